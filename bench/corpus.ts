/**
 * Many small files: a generated corpus of 500 model folders × 10 files (5 000 files, a few MB:
 * pickled state dicts, safetensors shards, config.json, tokenizer_config.json with a chat
 * template, a training script, a model card) scanned by `modelvet scan`, at `--jobs 1` and at the
 * default (one worker per core), each after a warm-up run, under /usr/bin/time -v. Files/s and MB/s
 * count the corpus's files and bytes over the wall time, start-up included.
 *
 *   tsx bench/corpus.ts      (standalone; needs `npm run build` first)
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { timeCli } from './measure.js';

const enc = new TextEncoder();

/** pickle.dumps({name: [floats]}, protocol=4) for a few small float lists, opcode by opcode. */
function statePickle(seed: number, keys = 4, floats = 24): Uint8Array {
  const out: number[] = [0x80, 0x04, 0x7d, 0x28]; // PROTO 4, EMPTY_DICT, MARK
  for (let k = 0; k < keys; k++) {
    const key = enc.encode(`layers.${k}.weight`);
    out.push(0x8c, key.length, ...key, 0x5d, 0x28); // SHORT_BINUNICODE, EMPTY_LIST, MARK
    for (let f = 0; f < floats; f++) {
      const b = new Uint8Array(8);
      new DataView(b.buffer).setFloat64(0, Math.sin(seed + k * 31 + f), false);
      out.push(0x47, ...b); // BINFLOAT
    }
    out.push(0x65); // APPENDS
  }
  out.push(0x75, 0x2e); // SETITEMS, STOP
  return Uint8Array.from(out);
}

/** A safetensors file with one F32 tensor of `elements` (real bytes, not a sparse hole: the corpus is small). */
function smallSafetensors(seed: number, elements = 256): Uint8Array {
  let json = JSON.stringify({ __metadata__: { format: 'pt' }, [`block.${seed % 7}.weight`]: { dtype: 'F32', shape: [elements], data_offsets: [0, elements * 4] } });
  json += ' '.repeat((8 - (json.length % 8)) % 8);
  const head = enc.encode(json);
  const out = new Uint8Array(8 + head.length + elements * 4);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(head.length), true);
  out.set(head, 8);
  for (let i = 0; i < elements; i++) view.setFloat32(8 + head.length + i * 4, Math.cos(seed + i), true);
  return out;
}

const COMMIT = '0123456789abcdef0123456789abcdef01234567';

const trainScript = (i: number): string => `import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

MODEL = "bench-org/model-${i}"
REVISION = "${COMMIT}"


def main():
    tokenizer = AutoTokenizer.from_pretrained(MODEL, revision=REVISION)
    model = AutoModelForCausalLM.from_pretrained(MODEL, revision=REVISION)
    state = torch.load("weights-0.pkl", weights_only=True)
    model.load_state_dict(state, strict=False)
    print(tokenizer("hello")["input_ids"], sum(p.numel() for p in model.parameters()))


if __name__ == "__main__":
    main()
`;

export interface Corpus {
  dir: string;
  files: number;
  bytes: number;
}

/** Writes `folders` model folders of 10 files each under `dir`. */
export function writeCorpus(dir: string, folders = 500): Corpus {
  let files = 0;
  let bytes = 0;
  const put = (path: string, content: Uint8Array | string): void => {
    writeFileSync(path, content);
    files++;
    bytes += typeof content === 'string' ? Buffer.byteLength(content) : content.length;
  };
  for (let i = 0; i < folders; i++) {
    const folder = join(dir, `model-${String(i).padStart(4, '0')}`);
    mkdirSync(folder, { recursive: true });
    for (let k = 0; k < 3; k++) put(join(folder, `weights-${k}.pkl`), statePickle(i * 3 + k));
    for (let k = 1; k <= 3; k++) put(join(folder, `model-0000${k}-of-00003.safetensors`), smallSafetensors(i * 3 + k));
    put(join(folder, 'config.json'), `${JSON.stringify({ architectures: ['BenchForCausalLM'], model_type: 'bench', hidden_size: 64 + (i % 8), num_hidden_layers: 2 }, null, 2)}\n`);
    put(
      join(folder, 'tokenizer_config.json'),
      `${JSON.stringify({ model_max_length: 512, chat_template: "{% for message in messages %}{{ message['role'] }}: {{ message['content'] }}\n{% endfor %}{% if add_generation_prompt %}assistant: {% endif %}" }, null, 2)}\n`,
    );
    put(join(folder, 'train.py'), trainScript(i));
    put(join(folder, 'README.md'), `---\nlicense: apache-2.0\nbase_model: bench-org/base\n---\n# model ${i}\n\nA generated benchmark model.\n`);
  }
  return { dir, files, bytes };
}

export interface CorpusRow {
  label: string;
  jobs?: number;
  wall: number;
  rssMb: number;
  filesPerSecond: number;
  mbPerSecond: number;
  verdict: string;
}

export interface CorpusBench {
  files: number;
  bytes: number;
  /** Whether the CLI has `--jobs` (parallel scanning); without it only the default row exists. */
  hasJobs: boolean;
  rows: CorpusRow[];
}

function hasJobsFlag(): boolean {
  return timeCli(['scan', '--help']).stdout.includes('--jobs');
}

function scanRow(corpus: Corpus, label: string, extra: string[]): CorpusRow {
  const args = ['scan', corpus.dir, '--format', 'json', '--fail-on', 'none', ...extra];
  timeCli(args); // warm-up: page cache and module cache
  const r = timeCli(args);
  if (r.status !== 0) throw new Error(`scan failed (${r.status}): ${r.stderr.slice(-2000)}`);
  const report = JSON.parse(r.stdout) as { summary: Record<string, number> };
  if (report.summary.files !== corpus.files) throw new Error(`the scan counted ${report.summary.files} files of ${corpus.files}`);
  const s = report.summary;
  return {
    label,
    wall: r.wall,
    rssMb: r.rssMb,
    filesPerSecond: corpus.files / r.wall,
    mbPerSecond: corpus.bytes / 1e6 / r.wall,
    verdict: `${s.critical} critical, ${s.high} high, ${s.medium} medium, ${s.low} low`,
  };
}

export function corpusBench(folders = 500): CorpusBench {
  const dir = mkdtempSync(join(tmpdir(), 'modelvet-corpus-bench-'));
  try {
    process.stderr.write(`writing ${folders * 10} small files…\n`);
    const corpus = writeCorpus(dir, folders);
    const hasJobs = hasJobsFlag();
    const rows: CorpusRow[] = [];
    process.stderr.write('scanning the small-files corpus…\n');
    if (hasJobs) {
      rows.push({ ...scanRow(corpus, '`--jobs 1`', ['--jobs', '1']), jobs: 1 });
      rows.push({ ...scanRow(corpus, `default (\`--jobs ${availableParallelism()}\`)`, []), jobs: availableParallelism() });
    } else {
      rows.push(scanRow(corpus, 'default (no `--jobs` in this build)', []));
    }
    return { files: corpus.files, bytes: corpus.bytes, hasJobs, rows };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function corpusMarkdown(b: CorpusBench): string {
  return [
    '## Many small files',
    '',
    `${b.files} files (${(b.bytes / 1e6).toFixed(1)} MB) in ${b.files / 10} model folders: pickled state dicts, safetensors shards, config.json, tokenizer_config.json with a chat template, a training script and a model card each. \`modelvet scan DIR --format json\` under \`/usr/bin/time -v\`, after one warm-up run; wall time includes start-up.`,
    '',
    '| run | wall time | files/s | MB/s | peak RSS | findings |',
    '|---|---:|---:|---:|---:|---|',
    ...b.rows.map((r) => `| ${r.label} | ${r.wall.toFixed(2)} s | ${r.filesPerSecond.toFixed(0)} | ${r.mbPerSecond.toFixed(2)} | ${r.rssMb.toFixed(0)} MB | ${r.verdict} |`),
    ...(b.hasJobs ? [] : ['', '**`--jobs` rows: pending** — this build has no `--jobs`; the rows for `--jobs 1` and the default appear here once parallel scanning lands.']),
    '',
  ].join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const folders = Number(process.argv.find((a) => a.startsWith('--folders='))?.split('=')[1] ?? 500);
  process.stdout.write(corpusMarkdown(corpusBench(folders)));
}
