import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Args, Command, Flags } from '@oclif/core';
import { extractFacts } from '../bom/facts/index.js';
import { hubFactSource } from '../bom/sources/hub.js';
import { localFactSource } from '../bom/sources/local.js';
import { BOM_SPECS, type BomSpec, type BomWriteResult } from '../bom/types.js';
import { writeBom } from '../bom/write.js';
import { prepare } from '../engine/scan.js';
import { terminalSafe } from '../report/text.js';
import { parseHubRef } from '../sources/hub/ref.js';
import type { HubRef } from '../sources/hub/types.js';
import { UsageError } from '../util/errors.js';
import { writeOutput } from './output.js';

/** Where a finished BOM goes; the streams are parameters so the error path can be tested without a bad writer. */
export interface BomDelivery {
  output?: string;
  cwd: string;
  stdout(text: string): void;
  stderr(text: string): void;
}

/**
 * Writes a valid BOM (to --output through a temporary file and a rename, or to stdout) and returns
 * exit code 0; an invalid one is never written: every validation error goes to stderr, exit 2.
 */
export function deliverBom(result: BomWriteResult, spec: BomSpec, to: BomDelivery): number {
  if (!result.ok) {
    const n = result.errors.length;
    to.stderr(`modelvet: the ${spec} BOM failed validation (${n} error${n === 1 ? '' : 's'}); nothing was written\n`);
    for (const e of result.errors) to.stderr(`modelvet:   ${terminalSafe(e)}\n`);
    return 2;
  }
  if (to.output !== undefined) writeOutput(to.output, result.text, to.cwd);
  else to.stdout(result.text);
  return 0;
}

/**
 * The time `--timestamp` records: SOURCE_DATE_EPOCH (seconds) when set, as reproducible builds
 * expect, else now. Whole seconds, UTC.
 */
export function bomTimestamp(env: NodeJS.ProcessEnv = process.env, now: Date = new Date()): string {
  const epoch = env.SOURCE_DATE_EPOCH;
  let when = now;
  if (epoch !== undefined && epoch !== '') {
    if (!/^\d{1,12}$/.test(epoch)) throw new UsageError(`SOURCE_DATE_EPOCH must be a number of seconds, not ${JSON.stringify(epoch.slice(0, 40))}`);
    when = new Date(Number(epoch) * 1000);
  }
  return when.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function hubRef(target: string): HubRef {
  const ref = parseHubRef(target);
  if (!ref) throw new UsageError(`'${target}' is not a Hub reference: write hf:org/name[@rev], org/name[@rev] or a Hub URL`);
  if (ref.path !== undefined) throw new UsageError(`${target} names a file or folder inside the repo: a BOM describes the whole repo, give hf:${ref.repo}@<rev>`);
  return ref;
}

/** A Hub reference rather than a local path: `hf:…`, a URL, or `org/name[@rev]` naming nothing on disk. */
function isHubTarget(target: string, cwd: string): boolean {
  if (/^hf:/i.test(target) || /^https?:\/\//i.test(target)) return true;
  return parseHubRef(target) !== undefined && !existsSync(resolve(cwd, target));
}

export default class Bom extends Command {
  static override summary = 'Write an AI bill of materials (CycloneDX ML-BOM or SPDX 3.0.1 AI) for a model.';
  static override description =
    'Describes the model in a folder, a single model file, a Hugging Face cache snapshot (models--org--name/snapshots/<commit>, which identifies the repo and commit offline), or a Hub repo (hf:org/name@rev, read at its commit by ranged requests as `check` reads it): every file with its size, role and SHA-256 (hashed locally, or the Hub\'s LFS SHA-256; never a git blob SHA-1 or Xet hash), the licence, task, architecture and hyperparameters from the model card and config.json, the parameter count from safetensors or GGUF headers, training and evaluation datasets kept apart, model-index metrics, base models, chat templates with their hashes, code that loading runs, and the findings of a scan of the same files. Nothing is made up: a fact without a source is left out. The output is reproducible (sorted, no timestamp unless --timestamp) and validated before it is written; an invalid BOM is not written and exits 2 listing every error. The BOM carries the verdicts; it does not gate (exit 0).';
  static override examples = [
    '<%= config.bin %> bom models/tiny-gpt2',
    '<%= config.bin %> bom ~/.cache/huggingface/hub/models--org--name/snapshots/<commit> --output model.cdx.json',
    '<%= config.bin %> bom model.gguf --spec spdx-3.0.1 --output model.spdx.json',
    '<%= config.bin %> bom hf:org/name@main --spec cyclonedx-1.7',
  ];
  static override args = { target: Args.string({ description: 'model folder, model file, Hugging Face cache snapshot folder, or Hub repo (hf:org/name@rev)', required: true }) };
  static override flags = {
    spec: Flags.string({ description: 'BOM format', options: [...BOM_SPECS], default: 'cyclonedx-1.6' }),
    output: Flags.string({ char: 'o', description: 'write the BOM to FILE instead of stdout' }),
    timestamp: Flags.boolean({ description: 'record when the BOM was made (SOURCE_DATE_EPOCH when set, else now); off by default so the same model gives the same bytes', default: false }),
    config: Flags.string({ char: 'c', description: 'use this config file for the scan whose findings the BOM carries (no discovery)' }),
    endpoint: Flags.string({ description: 'Hugging Face Hub endpoint for hf: references (default: HF_ENDPOINT or https://huggingface.co)' }),
    token: Flags.string({ description: 'Hugging Face token for gated or private repos (default: HF_TOKEN; never printed)' }),
    debug: Flags.boolean({ description: 'print stack traces of internal errors', default: false }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Bom);
    const cwd = process.cwd();
    const spec = flags.spec as BomSpec;
    const timestamp = flags.timestamp ? bomTimestamp() : undefined;
    const prepared = await prepare({ cwd, configFile: flags.config });
    const source = isHubTarget(args.target, cwd)
      ? await hubFactSource(hubRef(args.target), {
          cwd,
          prepared,
          ...(flags.endpoint !== undefined ? { endpoint: flags.endpoint } : {}),
          ...(flags.token !== undefined ? { token: flags.token } : {}),
        })
      : // A BOM written into the model's folder is not part of the model it describes (a second run gives the same BOM).
        await localFactSource(args.target, { cwd, prepared, ...(flags.output !== undefined ? { exclude: [flags.output] } : {}) });
    const facts = await extractFacts(source, timestamp !== undefined ? { timestamp } : {});
    process.exitCode = deliverBom(writeBom(facts, spec), spec, {
      ...(flags.output !== undefined ? { output: flags.output } : {}),
      cwd,
      stdout: (t) => process.stdout.write(t),
      stderr: (t) => process.stderr.write(t),
    });
  }
}
