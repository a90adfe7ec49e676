/**
 * The code fixture projects (test/fixtures/projects/code), scanned end to end: the exact
 * code/* and provenance/unpinned-revision findings as (rule, severity, path, line[, cell]), each
 * written from the source it points at, and nothing from the safe twins beside them. Lines are
 * looked up by a snippet unique in the file, so the table reads like the source it describes.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { scan } from '../../src/engine/scan.js';
import type { Finding, Severity } from '../../src/types.js';

const root = fileURLToPath(new URL('../fixtures/projects/code/', import.meta.url));

type Row = [rule: string, severity: Severity, path: string, line: number | undefined, cell?: number];

const UNPINNED = 'provenance/unpinned-revision';
const UNSAFE = 'code/unsafe-load';
const REMOTE = 'code/trust-remote-code';
const MALFORMED = 'code/malformed';

/** Other helpers add provenance/publisher, integrity and dependency rules to the same scans. */
const ours = (f: Finding): boolean => f.ruleId.startsWith('code/') || f.ruleId === UNPINNED;

async function findings(project: string): Promise<{ rows: Row[]; all: Finding[] }> {
  const report = await scan({ cwd: root, paths: [project] });
  const all = report.findings.filter(ours);
  const rows = all.map((f): Row => (f.location?.cell !== undefined ? [f.ruleId, f.severity, f.path, f.location.line, f.location.cell] : [f.ruleId, f.severity, f.path, f.location?.line]));
  return { rows, all };
}

const sorted = (rows: Row[]): Row[] => [...rows].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

/** The 1-based line of the only line in the file that contains `snippet`. */
function lineOf(path: string, snippet: string): number {
  const lines = readFileSync(`${root}${path}`, 'utf8').split('\n');
  const hits = lines.flatMap((l, i) => (l.includes(snippet) ? [i + 1] : []));
  if (hits.length !== 1) throw new Error(`${path}: ${JSON.stringify(snippet)} is on ${hits.length} lines`);
  return hits[0]!;
}

/** A row for the line holding `snippet` in a script. */
const at = (rule: string, severity: Severity, path: string, snippet: string): Row => [rule, severity, path, lineOf(path, snippet)];

/** A row for the notebook code cell (counted from 1, code cells only) and line within it holding `snippet`. */
function inCell(rule: string, severity: Severity, path: string, snippet: string): Row {
  const notebook = JSON.parse(readFileSync(`${root}${path}`, 'utf8')) as { cells: Array<{ cell_type: string; source: string | string[] }> };
  const hits: Array<[cell: number, line: number]> = [];
  notebook.cells
    .filter((c) => c.cell_type === 'code')
    .forEach((c, i) => {
      const text = Array.isArray(c.source) ? c.source.join('') : c.source;
      text.split('\n').forEach((l, j) => l.includes(snippet) && hits.push([i + 1, j + 1]));
    });
  if (hits.length !== 1) throw new Error(`${path}: ${JSON.stringify(snippet)} is in ${hits.length} places`);
  return [rule, severity, path, hits[0]![1], hits[0]![0]];
}

describe('code fixture projects (end to end)', function () {
  this.timeout(120_000);

  it('python-app: downloads by every Python API and every revision kind, loaders and their safe twins', async () => {
    const T = 'python-app/train.py';
    const S = 'python-app/serve.py';
    const L = 'python-app/utils/loading.py';
    const H = 'python-app/utils/hub.py';
    const { rows, all } = await findings('python-app');
    expect(sorted(rows)).to.deep.equal(
      sorted([
        // train.py: a revision from the command line, a dataset on main, a PR ref, a checkpoint resumed with full pickle.
        at(UNPINNED, 'info', T, 'model = AutoModelForCausalLM.from_pretrained(  # revision comes'),
        at(UNPINNED, 'medium', T, 'train = load_dataset("tatsu-lab/alpaca"'),
        at(UNPINNED, 'medium', T, 'extra = load_dataset('),
        at(UNSAFE, 'medium', T, 'state = torch.load(ckpt, map_location="cpu")'),
        // serve.py: unpinned, branch, short hash; remote code pinned (high), unpinned (critical), local (high).
        at(UNPINNED, 'medium', S, 'reranker = CrossEncoder('),
        at(UNPINNED, 'medium', S, 'generator = pipeline('),
        at(UNPINNED, 'low', S, 'classifier = pipeline('),
        at(REMOTE, 'high', S, 'phi_tokenizer = AutoTokenizer.from_pretrained('),
        at(REMOTE, 'critical', S, 'phi = AutoModelForCausalLM.from_pretrained("microsoft/phi-2"'),
        at(UNPINNED, 'medium', S, 'phi = AutoModelForCausalLM.from_pretrained("microsoft/phi-2"'),
        at(REMOTE, 'critical', S, 'jina = AutoModel.from_pretrained('),
        at(UNPINNED, 'medium', S, 'jina = AutoModel.from_pretrained('),
        at(REMOTE, 'high', S, 'custom = AutoModel.from_pretrained("/srv/models/custom-arch"'),
        at(UNPINNED, 'medium', S, 'adapter = PeftModel.from_pretrained(base, "tloen/alpaca-lora-7b")'),
        at(UNPINNED, 'medium', S, 'sd15 = StableDiffusionPipeline.from_pretrained('),
        // utils/loading.py: every unsafe loader, through aliases.
        at(UNSAFE, 'medium', L, 'return pk.load(f)'),
        at(UNSAFE, 'medium', L, 'return joblib.load(path)'),
        at(UNSAFE, 'medium', L, 'return sk_joblib.load(path)'),
        at(UNSAFE, 'medium', L, 'return np.load(path, allow_pickle=True)'),
        at(UNSAFE, 'high', L, 'return T.load(path, weights_only=False)'),
        at(UNSAFE, 'high', L, 'pickle_module=dill'),
        at(UNSAFE, 'low', L, 'weights_only=trusted'),
        at(UNSAFE, 'medium', L, 'return T.load(path, **kwargs)'),
        at(UNSAFE, 'high', L, 'return load_model(path, safe_mode=False)'),
        at(UNSAFE, 'high', L, 'tf.keras.models.load_model(path, compile=False, safe_mode=False)'),
        at(UNSAFE, 'high', L, 'keras.config.enable_unsafe_deserialization()'),
        at(UNSAFE, 'medium', L, 'Loader=yaml.FullLoader'),
        at(UNSAFE, 'medium', L, 'return pd.read_pickle(path)'),
        at(UNSAFE, 'medium', L, 'return dill.load(f)'),
        at(UNSAFE, 'medium', L, 'return shelve.open(path)'),
        at(UNSAFE, 'medium', L, 'return marshal.loads(blob)'),
        // utils/hub.py: upper-case hash, unknown revision, none, a dataset tag, **kwargs, torch.hub and timm.
        at(UNPINNED, 'low', H, 'weights = hf_hub_download('),
        at(UNPINNED, 'info', H, 'tokenizer = hf_hub_download('),
        at(UNPINNED, 'medium', H, 'card = hf_hub_download('),
        at(UNPINNED, 'medium', H, 'squad = hf_hub_download('),
        at(UNPINNED, 'info', H, 'local_dir=local_dir, **options)'),
        at(UNPINNED, 'medium', H, 'resnet = torch.hub.load('),
        at(UNPINNED, 'medium', H, 'dino = torch.hub.load('),
        at(UNPINNED, 'medium', H, 'vit = timm.create_model('),
      ]),
    );
    const byMessage = (re: RegExp) => all.filter((f) => re.test(f.message));
    expect(byMessage(/^torch\.hub\.load downloads github\.com\/facebookresearch\/dinov2 and runs its hubconf\.py at "main"/)).to.have.length(1);
    expect(byMessage(/^datasets\.load_dataset downloads dataset HuggingFaceH4\/ultrachat_200k at the pull-request ref "refs\/pr\/7"/)).to.have.length(1);
    expect(byMessage(/^huggingface_hub\.hf_hub_download downloads dataset rajpurkar\/squad at "v1\.1"/)).to.have.length(1);
    expect(byMessage(/^transformers\.AutoModelForCausalLM\.from_pretrained\(trust_remote_code=True\) loads microsoft\/phi-2 without a revision: it imports and runs/)).to.have.length(1);
    expect(byMessage(/^torch\.load\(weights_only=False\)/)).to.have.length(1);
  });

  it('notebook: cell and line within the cell, magics and shell lines skipped, imports and names from earlier cells', async () => {
    const NB = 'notebook/explore.ipynb';
    const { rows, all } = await findings('notebook');
    expect(sorted(rows)).to.deep.equal(
      sorted([
        inCell(UNPINNED, 'medium', NB, 'tok = AutoTokenizer.from_pretrained("FacebookAI/roberta-base")'),
        inCell(UNSAFE, 'medium', NB, 'state = torch.load("head.pt")'),
        inCell(UNPINNED, 'medium', NB, 'ds = load_dataset("stanfordnlp/imdb", revision=DATA_REVISION)'),
        inCell(UNPINNED, 'medium', NB, 'nomic = AutoModel.from_pretrained('),
        inCell(REMOTE, 'critical', NB, 'nomic = AutoModel.from_pretrained('),
      ]),
    );
    // DATA_REVISION is bound once, in the first code cell: the tag is known.
    expect(all.find((f) => f.evidence?.repo === 'stanfordnlp/imdb')?.evidence).to.include({ revision: 'v2.0', pin: 'branch-or-tag', repoType: 'dataset' });
  });

  it('js-app: ESM, CommonJS with a dynamic import, TypeScript and TSX against both transformers.js packages', async () => {
    const C = 'js-app/src/classify.mjs';
    const G = 'js-app/src/legacy.cjs';
    const E = 'js-app/src/embed.ts';
    const A = 'js-app/src/App.tsx';
    const { rows, all } = await findings('js-app');
    expect(sorted(rows)).to.deep.equal(
      sorted([
        at(UNPINNED, 'medium', C, 'const classifier = await pipeline('),
        at(UNPINNED, 'medium', C, 'const translate = await pipeline('),
        at(UNPINNED, 'medium', G, 'const tokenizer = await AutoTokenizer.from_pretrained('),
        at(UNPINNED, 'medium', G, 'const model = await AutoModel.from_pretrained('),
        at(UNPINNED, 'low', G, 'const asr = await pipeline('),
        at(UNPINNED, 'info', E, "transformers.AutoModelForSequenceClassification.from_pretrained('mixedbread-ai/mxbai-rerank-xsmall-v1'"),
        at(UNPINNED, 'medium', A, 'const processor = await AutoProcessor.from_pretrained('),
        at(UNPINNED, 'medium', A, 'const vision = await Vision.from_pretrained('),
      ]),
    );
    expect(all.find((f) => f.path === G && f.severity === 'low')?.evidence).to.include({ via: '@xenova/transformers.pipeline', revision: 'abc1234' });
    expect(all.every((f) => f.fix?.includes("{ revision: '<40-hex commit>' }"))).to.equal(true);
  });

  it('configs: axolotl, PEFT, mergekit, anchors and merge keys, interpolations, a JSON app config, a template and a model config', async () => {
    const Q = 'configs/axolotl/qlora.yml';
    const P = 'configs/peft-adapter/adapter_config.json';
    const M = 'configs/mergekit/ties.yml';
    const J = 'configs/app-config.json';
    const D = 'configs/distill.yaml';
    const Y = 'configs/hydra/config.yaml';
    const { rows, all } = await findings('configs');
    expect(sorted(rows)).to.deep.equal(
      sorted([
        // axolotl: the base model on main with remote code allowed; a dataset without a revision (the pinned one and the local file are fine).
        at(UNPINNED, 'medium', Q, 'base_model: NousResearch/Meta-Llama-3-8B'),
        at(REMOTE, 'critical', Q, 'trust_remote_code: true'),
        at(UNPINNED, 'medium', Q, 'path: mhenrichsen/alpaca_2k_test'),
        // PEFT: "revision": null is no revision.
        at(UNPINNED, 'medium', P, '"base_model_name_or_path"'),
        // mergekit: model@commit is pinned; no @, @main and a short @hash are not; a +LoRA is its own download.
        at(UNPINNED, 'medium', M, 'model: OpenPipe/mistral-ft-optimized-1218'),
        at(UNPINNED, 'low', M, '+predibase/magicoder@abc1234'),
        at(UNPINNED, 'medium', M, 'base_model: mistralai/Mistral-7B-v0.1@main'),
        // A JSON app config: model_revision is main, the tokenizer has none, the fallback is pinned.
        at(UNPINNED, 'medium', J, '"model_name_or_path": "facebook/bart-large-cnn"'),
        at(UNPINNED, 'medium', J, '"tokenizer_name"'),
        // Anchors: the pinned commit reaches teacher and student; the merged eval_student overrides it with a PR ref.
        at(UNPINNED, 'medium', D, 'model_name_or_path: meta-llama/Llama-3.2-1B'),
        at(UNPINNED, 'medium', D, 'reward_model: OpenAssistant'),
        at(UNPINNED, 'medium', D, 'ref_model: meta-llama/Llama-3.2-1B'),
        // Hydra: the model id itself is interpolated (no reference); the tokenizer's revision is not known.
        at(UNPINNED, 'info', Y, 'tokenizer_name: google/gemma-2-2b'),
        // A Helm template is not YAML as it stands: info, nothing else.
        ['code/malformed', 'info', 'configs/helm/templates/deployment.yaml', undefined],
      ]),
    );
    const distill = all.filter((f) => f.path === D);
    expect(distill.map((f) => [f.evidence?.via, f.evidence?.revision])).to.have.deep.members([
      ['eval_student.model_name_or_path', 'refs/pr/12'],
      ['reward_model', 'main'],
      ['ref_model', 'main'],
    ]);
    expect(all.find((f) => f.ruleId === REMOTE)?.message).to.equal(
      "the config sets trust_remote_code and names NousResearch/Meta-Llama-3-8B without a pinned commit: the tool reading it imports and runs the repository's Python code (modeling_*.py, configuration_*.py) in this process from whatever the repository holds when it runs",
    );
    // The pinned twins and the model's own config.json give nothing.
    expect(all.filter((f) => /lora-pinned|peft-adapter-pinned|bert-base/.test(f.path))).to.deep.equal([]);
  });

  it('the safe twins scanned alone give no code or pinning finding', async () => {
    const report = await scan({ cwd: root, paths: ['configs/axolotl/lora-pinned.yml', 'configs/peft-adapter-pinned', 'configs/bert-base'] });
    expect(report.findings.filter(ours)).to.deep.equal([]);
    expect(report.artifacts.map((a) => a.format)).to.deep.equal(['model-config', 'model-config', 'unknown']);
  });
});
