import { expect } from 'chai';
import { isHubRepoId, isLocalPath } from '../../../src/parsers/code/repo-id.js';
import { analyse, lines, refsOf } from './helpers.js';

const SHA = '0123456789abcdef0123456789abcdef01234567';

describe('model references from Python downloads', () => {
  it('names the repo, revision and callee of each download, at the call', async () => {
    const a = await analyse(
      lines(
        'from transformers import AutoModel, pipeline',
        'from huggingface_hub import hf_hub_download, snapshot_download',
        'from datasets import load_dataset',
        `AutoModel.from_pretrained("org/pinned", revision="${SHA}")`,
        'AutoModel.from_pretrained(pretrained_model_name_or_path="org/kw", revision="v1.0")',
        'pipeline("text-generation", "org/positional")',
        'pipeline(task="fill-mask", model="org/kw-model", revision="refs/pr/3")',
        'hf_hub_download("org/data", "train.csv", repo_type="dataset", revision="abc1234")',
        'snapshot_download(repo_id="org/space", repo_type="space")',
        'load_dataset("org/ds", revision=REV)',
      ),
      'refs.py',
    );
    expect(refsOf(a)).to.deep.equal([
      { repo: 'org/pinned', repoType: 'model', revision: { kind: 'literal', value: SHA }, use: 'download', via: 'transformers.AutoModel.from_pretrained' },
      { repo: 'org/kw', repoType: 'model', revision: { kind: 'literal', value: 'v1.0' }, use: 'download', via: 'transformers.AutoModel.from_pretrained' },
      { repo: 'org/positional', repoType: 'model', revision: { kind: 'absent' }, use: 'download', via: 'transformers.pipeline' },
      { repo: 'org/kw-model', repoType: 'model', revision: { kind: 'literal', value: 'refs/pr/3' }, use: 'download', via: 'transformers.pipeline' },
      { repo: 'org/data', repoType: 'dataset', revision: { kind: 'literal', value: 'abc1234' }, use: 'download', via: 'huggingface_hub.hf_hub_download' },
      { repo: 'org/space', repoType: 'space', revision: { kind: 'absent' }, use: 'download', via: 'huggingface_hub.snapshot_download' },
      { repo: 'org/ds', repoType: 'dataset', revision: { kind: 'unknown', text: 'REV' }, use: 'download', via: 'datasets.load_dataset' },
    ]);
    expect(a.modelRefs!.map((r) => r.location)).to.deep.equal([4, 5, 6, 7, 8, 9, 10].map((line) => ({ line, column: 1 })));
  });

  it('reads **kwargs without a revision as an unknown revision, and an explicit one over them', async () => {
    const a = await analyse(lines('from transformers import AutoModel as M', 'def f(**kw):', '    M.from_pretrained("org/a", **kw)', '    M.from_pretrained("org/b", revision="main", **kw)', '    M.from_pretrained("org/c", revision=None)'), 'kw.py');
    expect(a.modelRefs!.map((r) => r.revision)).to.deep.equal([{ kind: 'unknown', text: '**kwargs' }, { kind: 'literal', value: 'main' }, { kind: 'absent' }]);
  });

  it('reads torch.hub "owner/repo[:ref]" as a GitHub repo with the ref as its revision', async () => {
    const a = await analyse(
      lines('import torch', 'torch.hub.load("pytorch/vision:v0.10.0", "resnet18")', 'torch.hub.load("ultralytics/yolov5", "yolov5s")', 'torch.hub.load(repo_or_dir="facebookresearch/dino:main", model="x")', 'torch.hub.load("./hubconf_dir", "m", source="local")', 'torch.hub.load("org/repo", "m", source="local")'),
      'hub.py',
    );
    expect(refsOf(a)).to.deep.equal([
      { repo: 'pytorch/vision', repoType: 'model', revision: { kind: 'literal', value: 'v0.10.0' }, use: 'download', via: 'torch.hub.load' },
      { repo: 'ultralytics/yolov5', repoType: 'model', revision: { kind: 'absent' }, use: 'download', via: 'torch.hub.load' },
      { repo: 'facebookresearch/dino', repoType: 'model', revision: { kind: 'literal', value: 'main' }, use: 'download', via: 'torch.hub.load' },
    ]);
  });

  it('reads timm hf-hub names, sentence-transformers, vLLM and PEFT adapters', async () => {
    const a = await analyse(
      lines(
        'import timm',
        'from sentence_transformers import SentenceTransformer, CrossEncoder',
        'from vllm import LLM',
        'from peft import PeftModel',
        'timm.create_model("hf-hub:timm/vit_base@abc1234", pretrained=True)',
        'timm.create_model("resnet50", pretrained=True)',
        'SentenceTransformer("sentence-transformers/all-MiniLM-L6-v2", revision="v2")',
        'CrossEncoder(model_name="cross-encoder/ms-marco")',
        'LLM(model="org/llm", tokenizer="org/tok", tokenizer_revision="t1", trust_remote_code=True)',
        'PeftModel.from_pretrained(base, "org/adapter")',
      ),
      'libs.py',
    );
    expect(refsOf(a).map((r) => [r.repo, r.revision, r.via])).to.deep.equal([
      ['timm/vit_base', { kind: 'literal', value: 'abc1234' }, 'timm.create_model'],
      ['sentence-transformers/all-MiniLM-L6-v2', { kind: 'literal', value: 'v2' }, 'sentence_transformers.SentenceTransformer'],
      ['cross-encoder/ms-marco', { kind: 'absent' }, 'sentence_transformers.CrossEncoder'],
      ['org/llm', { kind: 'absent' }, 'vllm.LLM'],
      ['org/tok', { kind: 'literal', value: 't1' }, 'vllm.LLM'],
      ['org/adapter', { kind: 'absent' }, 'peft.PeftModel.from_pretrained'],
    ]);
  });

  it('makes no ref for local paths of any kind, local_files_only, unknown repos or dataset builders', async () => {
    const a = await analyse(
      lines(
        'import os',
        'from pathlib import Path',
        'from transformers import AutoModel as M',
        'from datasets import load_dataset',
        'M.from_pretrained("./checkpoints/run1")',
        'M.from_pretrained("../models/bert")',
        'M.from_pretrained("/opt/models/bert")',
        'M.from_pretrained("~/models/bert")',
        'M.from_pretrained("C:\\\\models\\\\bert")',
        'M.from_pretrained("D:/models/bert")',
        'M.from_pretrained(os.path.join(BASE, "bert"))',
        'M.from_pretrained(Path("models") / "bert")',
        'M.from_pretrained(os.path.dirname(__file__))',
        'M.from_pretrained("org/name", local_files_only=True)',
        'M.from_pretrained(model_name)',
        'M.from_pretrained(f"org/{name}")',
        'M.from_pretrained("https://huggingface.co/org/name")',
        'M.from_pretrained("org/name/extra")',
        'M.from_pretrained("org/re..po")',
        'M.from_pretrained("org/repo.git")',
        'load_dataset("csv", data_files="x.csv")',
        'load_dataset("json", data_files=files)',
      ),
      'local.py',
    );
    expect(a.code.calls).to.have.length(18);
    expect(refsOf(a)).to.deep.equal([]);
  });

  it('a bare legacy name is a ref as written', async () => {
    const a = await analyse(lines('from transformers import AutoTokenizer', 'AutoTokenizer.from_pretrained("bert-base-uncased")'), 'bare.py');
    expect(refsOf(a).map((r) => r.repo)).to.deep.equal(['bert-base-uncased']);
  });

  it('tells Hub repo ids from local paths like transformers.js does', () => {
    for (const id of ['gpt2', 'org/name', 'Org_1/name-2.5', 'a/b']) expect(isHubRepoId(id), id).to.equal(true);
    for (const id of ['org/name/x', 'org--name/x', 'org/..', 'o/x.git', 'o/x.ipynb', '', '/abs', 'a b', 'x'.repeat(97), 'org/-name', 'https://x/y']) expect(isHubRepoId(id), id).to.equal(false);
    for (const p of ['./a', '../a', '/a', '~/a', '~', 'C:\\a', 'c:/a', '\\\\server\\share', '.', '..', 'file:///a']) expect(isLocalPath(p), p).to.equal(true);
    for (const p of ['org/name', 'gpt2', '.hidden/x']) expect(isLocalPath(p), p).to.equal(false);
  });
});
