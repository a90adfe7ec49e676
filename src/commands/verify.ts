import { Args, Command, Flags } from '@oclif/core';
import { parseRuleFlags } from '../config/load.js';
import { prepare } from '../engine/scan.js';
import { verify } from '../integrity/verify.js';
import { emitReport } from './emit-report.js';
import { reportFlags } from './shared-flags.js';

export default class Verify extends Command {
  static override summary = 'Re-hash local model files against the lockfile, the Hugging Face cache names, and model.sig signing manifests.';
  static override description =
    'Checks every file a record covers: modelvet.lock.json (found upward from the working directory, or --lockfile) for local folders and for Hub entries present in the Hugging Face cache; the cache itself (--hf-cache, or when PATH is inside one: blobs must hash to their names, snapshot links must reach blobs, refs must name snapshots); and an OpenSSF model-signing manifest (model.sig in PATH, or --signature): signed digests must match, and the signature is verified with --public-key, or --trusted-root with --identity/--issuer. Exits like scan: 1 when a finding is at or above --fail-on.';
  static override examples = [
    '<%= config.bin %> verify',
    '<%= config.bin %> verify models/bert',
    '<%= config.bin %> verify --hf-cache',
    '<%= config.bin %> verify --hf-cache ~/.cache/huggingface/hub',
    '<%= config.bin %> verify models/signed --public-key publisher.pem',
  ];
  static override args = { path: Args.string({ description: 'folder or file to verify (with --hf-cache: the cache folder)' }) };
  static override flags = {
    ...reportFlags,
    lockfile: Flags.string({ description: 'lockfile to verify against (default: nearest modelvet.lock.json from the working directory up)' }),
    'hf-cache': Flags.boolean({ description: 'verify a Hugging Face cache: PATH, or HF_HUB_CACHE, HF_HOME/hub, ~/.cache/huggingface/hub', default: false }),
    signature: Flags.string({ description: 'model-signing signature file (default: model.sig in PATH)' }),
    'public-key': Flags.string({ description: 'PEM public key the model was signed with' }),
    'trusted-root': Flags.string({ description: 'sigstore trusted_root.json (or a PEM CA bundle) for certificate signatures' }),
    identity: Flags.string({ description: "the signer's certificate identity (e-mail or URI) to require" }),
    issuer: Flags.string({ description: "the signer's OIDC issuer to require" }),
    progress: Flags.boolean({ description: 'show a progress bar on a terminal for long hashing', default: true, allowNo: true }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Verify);
    const cwd = process.cwd();
    const prepared = await prepare({ cwd, configFile: flags.config, ruleOverrides: parseRuleFlags(flags.rule ?? []) });
    const report = await verify({
      cwd,
      prepared,
      path: args.path,
      lockfile: flags.lockfile,
      hfCache: flags['hf-cache'] || undefined,
      signature: flags.signature,
      publicKey: flags['public-key'],
      trustedRoot: flags['trusted-root'],
      identity: flags.identity,
      issuer: flags.issuer,
      progress: flags.progress && !flags.quiet,
    });

    emitReport(report, flags, prepared, cwd);
  }
}
