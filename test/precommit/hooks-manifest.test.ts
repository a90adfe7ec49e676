import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

interface ManifestHook {
  id: string;
  name: string;
  entry: string;
  language: string;
  files?: string;
  exclude?: string;
  types?: string[];
  args?: string[];
  pass_filenames?: boolean;
  require_serial?: boolean;
  always_run?: boolean;
  stages?: string[];
  description?: string;
}

const hooks = parse(readFileSync(`${ROOT}.pre-commit-hooks.yaml`, 'utf8')) as ManifestHook[];
const byId = new Map(hooks.map((h) => [h.id, h]));

/** pre-commit matches with Python's re.search; the patterns use only what JS regexes share, after a leading (?i). */
function pyRegex(pattern: string): RegExp {
  const insensitive = pattern.startsWith('(?i)');
  return new RegExp(insensitive ? pattern.slice(4) : pattern, insensitive ? 'i' : '');
}

function selects(hook: ManifestHook, path: string): boolean {
  return pyRegex(hook.files ?? '').test(path) && !(hook.exclude !== undefined && pyRegex(hook.exclude).test(path));
}

describe('.pre-commit-hooks.yaml', () => {
  it('declares the three hooks as node hooks running the modelvet bin', () => {
    expect(hooks.map((h) => h.id)).to.deep.equal(['modelvet-models', 'modelvet-code', 'modelvet-bom']);
    for (const h of hooks) {
      expect(h.language, h.id).to.equal('node');
      expect(h.name, h.id).to.be.a('string').and.not.equal('');
      expect(h.entry.split(' ')[0], h.id).to.equal('modelvet');
    }
    const pkg = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { bin: Record<string, string>; scripts: Record<string, string> };
    expect(pkg.bin.modelvet).to.be.a('string');
    expect(pkg.scripts.prepare, 'a git install needs a prepare step that builds dist/').to.be.a('string');
  });

  it('the file hooks scan the names pre-commit passes, in parallel batches', () => {
    for (const id of ['modelvet-models', 'modelvet-code']) {
      const h = byId.get(id)!;
      expect(h.entry).to.equal('modelvet scan');
      expect(h.pass_filenames).to.equal(true);
      expect(h.require_serial).to.equal(false);
      expect(h.types).to.deep.equal(['file']);
      expect(h.stages).to.equal(undefined);
    }
  });

  it('the BOM hook is manual, takes no file names, and writes model.cdx.json for the folder in args', () => {
    const h = byId.get('modelvet-bom')!;
    expect(h.entry).to.equal('modelvet bom');
    expect(h.stages).to.deep.equal(['manual']);
    expect(h.pass_filenames).to.equal(false);
    expect(h.always_run).to.equal(true);
    expect(h.args).to.deep.equal(['.', '--output', 'model.cdx.json']);
  });

  it('modelvet-models picks model files by extension and by the names loaders look for', () => {
    const models = byId.get('modelvet-models')!;
    const yes = [
      'model.pt', 'ckpt/EPOCH-3.PTH', 'pytorch_model.bin', 'a/b/weights.ckpt', 'data.pkl', 'clf.joblib', 'arr.npy', 'arrs.npz',
      'model.safetensors', 'llama.Q4_K_M.gguf', 'net.onnx', 'weights.h5', 'model.keras', 'saved_model/saved_model.pb', 'm.tflite',
      'flax_model.msgpack', 'bundle.zip', 'repo.tar.gz', 'x.7z', 'tokenizer_config.json', 'sub/chat_template.jinja', 'chat_template.json',
      'model.safetensors.index.json', 'pytorch_model.bin.index.json', 'model.cdx.json', 'sbom.spdx.json', 'model.sig', 'modelvet.lock.json',
    ];
    const no = ['README.md', 'src/app.py', 'config.yaml', 'notes.txt', 'config.json', 'bin/run.js', 'a.pt.md', 'my_tokenizer_config.json.bak'];
    for (const p of yes) expect(selects(models, p), p).to.equal(true);
    for (const p of no) expect(selects(models, p), p).to.equal(false);
  });

  it('modelvet-code picks code, notebooks, dependency manifests and configs, leaving model files to modelvet-models', () => {
    const code = byId.get('modelvet-code')!;
    const models = byId.get('modelvet-models')!;
    const yes = [
      'train.py', 'pkg/types.pyi', 'nb/Explore.ipynb', 'web/app.ts', 'web/App.tsx', 'x.mjs', 'requirements.txt', 'requirements-dev.txt',
      'reqs/requirements_gpu.txt', 'constraints.txt', 'pyproject.toml', 'poetry.lock', 'uv.lock', 'Pipfile.lock', 'package.json',
      'package-lock.json', 'configs/train.yaml', 'axolotl.yml', 'config.json', 'adapter_config.json',
    ];
    const no = ['README.md', 'docs/notes.txt', 'model.safetensors', 'tokenizer_config.json', 'model.safetensors.index.json', 'bom.cdx.json', 'Cargo.toml', 'setup.cfg'];
    for (const p of yes) expect(selects(code, p), p).to.equal(true);
    for (const p of no) expect(selects(code, p), p).to.equal(false);
    // no file is scanned twice by the two hooks
    for (const p of [...yes, ...no]) expect(selects(code, p) && selects(models, p), p).to.equal(false);
  });
});
