/** The YAML/JSON config parser: which files it claims, the references it finds, where, and how it fails closed. */
import { expect } from 'chai';
import { analyseReader, DEFAULT_ANALYSE_OPTIONS } from '../../../src/engine/analyse.js';
import { analyseModelConfig, HANDLERS } from '../../../src/parsers/model-config/handler.js';
import { DEFAULT_CONFIG_LIMITS } from '../../../src/parsers/model-config/limits.js';
import { isHubRepoId, reposInValue } from '../../../src/parsers/model-config/repo-id.js';
import type { ModelConfigArtifact } from '../../../src/parsers/model-config/types.js';
import { bufferReader } from '../../../src/sources/readers.js';
import type { AnalyseContext } from '../../../src/engine/format-handler.js';
import type { Artifact, ModelRef } from '../../../src/types.js';
import { yamlNestingDepth } from '../../../src/util/yaml-depth.js';

const COMMIT = '0123456789abcdef0123456789abcdef01234567';
const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

async function analyse(name: string, text: string | Uint8Array, options = DEFAULT_ANALYSE_OPTIONS): Promise<Artifact> {
  return analyseReader(bufferReader(typeof text === 'string' ? bytes(text) : text), `cfg/${name}`, 0, options, { name });
}

async function config(name: string, text: string): Promise<ModelConfigArtifact> {
  const artifact = await analyse(name, text);
  expect(artifact.format).to.equal('model-config');
  return artifact as ModelConfigArtifact;
}

/** The references as compact rows: repo, revision, via, line, column. */
const rows = (a: Artifact): Array<[string, string, string, number | undefined, number | undefined]> =>
  (a.modelRefs ?? []).map((r: ModelRef) => [
    r.repoType === 'model' ? r.repo : `${r.repoType}:${r.repo}`,
    r.revision.kind === 'literal' ? r.revision.value : r.revision.kind === 'unknown' ? `?${r.revision.text}` : '-',
    r.via,
    r.location?.line,
    r.location?.column,
  ]);

const codes = (a: Artifact): string[] => a.anomalies.map((x) => x.code);

describe('model-config: which files are configs', () => {
  const sniff = (name: string, head = '{}') => HANDLERS[0]!.sniff({ name, head: bytes(head), size: head.length });

  it('claims .yaml, .yml and .json by name, in any case', () => {
    for (const name of ['train.yaml', 'qlora.yml', 'adapter_config.json', 'MERGE.YML', 'app.JSON']) expect(sniff(name), name).to.equal(true);
  });

  it('leaves files other families own, or that name no download, alone', () => {
    for (const name of ['package.json', 'package-lock.json', 'modelvet.lock.json', 'tokenizer_config.json', 'model.safetensors.index.json', 'tokenizer.json', 'notes.ipynb', 'train.py', 'Pipfile.lock']) {
      expect(sniff(name), name).to.equal(false);
    }
  });

  it("does not claim a model's own config.json (architectures or model_type in its first bytes)", () => {
    expect(sniff('config.json', '{\n  "architectures": ["BertModel"]\n}')).to.equal(false);
    expect(sniff('config.json', '{"model_type" : "bert"}')).to.equal(false);
    expect(sniff('config.json', '{"model_name_or_path": "org/x"}')).to.equal(true);
  });

  it('a model config.json whose markers come late is still handed back as unknown', async () => {
    const late = `{"_name_or_path": "org/x", "pad": "${'x'.repeat(5000)}", "model_type": "bert"}`;
    const artifact = await analyse('config.json', late);
    expect(artifact.format).to.equal('unknown');
    expect(artifact.modelRefs ?? []).to.deep.equal([]);
  });

  it('an engine scan of another family\'s name never reaches this parser', async () => {
    const artifact = await analyse('tokenizer_config.json', '{"model": "org/name"}');
    expect(artifact.format).to.equal('tokenizer-config');
  });
});

describe('model-config: references', () => {
  it('finds every model key, with its revision sibling, at the value', async () => {
    const a = await config(
      'train.yaml',
      [
        'model_name_or_path: org/base', // 1
        'model_revision: main', // 2
        'tokenizer_name: org/tok', // 3
        'tokenizer_revision: 0123abc', // 4
        'teacher_model: org/teacher', // 5
        `teacher_model_revision: ${COMMIT}`, // 6
        'reward_model: org/rm', // 7
        'draft_model: org/draft', // 8
        'ref_model: org/ref', // 9
        'dataset_name: org/data', // 10
        'pretrained_model_name_or_path: org/sd', // 11
        'model_id: org/id', // 12
        'repo_id: org/repo', // 13
        'tokenizer_name_or_path: org/tok2', // 14
        'revision: v2', // 15
        '',
      ].join('\n'),
    );
    expect(rows(a)).to.deep.equal([
      ['org/base', 'main', 'model_name_or_path', 1, 21],
      ['org/tok', '0123abc', 'tokenizer_name', 3, 17],
      ['org/teacher', COMMIT, 'teacher_model', 5, 16],
      ['org/rm', 'v2', 'reward_model', 7, 15],
      ['org/draft', 'v2', 'draft_model', 8, 14],
      ['org/ref', 'v2', 'ref_model', 9, 12],
      ['dataset:org/data', 'v2', 'dataset_name', 10, 15],
      // model_revision belongs to the `model` prefix; pretrained_model_name_or_path has its own prefix.
      ['org/sd', 'v2', 'pretrained_model_name_or_path', 11, 32],
      ['org/id', 'main', 'model_id', 12, 11],
      ['org/repo', 'v2', 'repo_id', 13, 10],
      ['org/tok2', '0123abc', 'tokenizer_name_or_path', 14, 25],
    ]);
    expect(a.modelRefs!.every((r) => r.use === 'download')).to.equal(true);
  });

  it('base_model: base_model_revision, then axolotl revision_of_model, then revision, then commit', async () => {
    const one = async (extra: string) => rows(await config('a.yml', `base_model: org/b\n${extra}`))[0]![1];
    expect(await one(`base_model_revision: r1\nrevision_of_model: r2\nrevision: r3\ncommit: r4\n`)).to.equal('r1');
    expect(await one(`revision_of_model: r2\nrevision: r3\n`)).to.equal('r2');
    expect(await one(`commit: ${COMMIT}\n`)).to.equal(COMMIT);
    expect(await one('')).to.equal('-');
    expect(await one('revision: null\n')).to.equal('-');
    expect(await one('revision: ~\n')).to.equal('-');
  });

  it('a revision that is interpolated or not a plain value is not known statically; a number is what was written', async () => {
    expect(rows(await config('a.yaml', 'model: org/m\nrevision: ${oc.env:REV}\n'))[0]![1]).to.equal('?${oc.env:REV}');
    expect(rows(await config('a.yaml', 'model: org/m\nrevision: "{{ rev }}"\n'))[0]![1]).to.equal('?{{ rev }}');
    expect(rows(await config('a.yaml', 'model: org/m\nrevision: [a, b]\n'))[0]![1]).to.equal('?[a, b]');
    expect(rows(await config('a.yaml', 'model: org/m\nrevision: 1280000\n'))[0]![1]).to.equal('1280000');
    expect(rows(await config('a.json', '{"model": "org/m", "revision": {"x": 1}}'))[0]![1]).to.equal('?{"x":1}');
  });

  it('repo_type beside repo_id, and axolotl dataset lists', async () => {
    const a = await config('a.yaml', 'repo_id: org/squad\nrepo_type: dataset\ndatasets:\n  - path: org/alpaca\n    revision: v1\n  - path: data/train.jsonl\ntest_datasets:\n  - path: org/eval\nother:\n  - path: org/not-a-dataset\n');
    expect(rows(a)).to.deep.equal([
      ['dataset:org/squad', '-', 'repo_id', 1, 10],
      ['dataset:org/alpaca', 'v1', 'datasets[0].path', 4, 11],
      ['dataset:org/eval', '-', 'test_datasets[0].path', 8, 11],
    ]);
  });

  it('mergekit: org/name@rev and model+lora', async () => {
    const a = await config('merge.yml', `models:\n  - model: a/b@${COMMIT}\n  - model: c/d+e/f@abc1234\n  - model: g/h@x@y\n  - model: i/j+k/l+m/n\n`);
    expect(rows(a)).to.deep.equal([
      ['a/b', COMMIT, 'models[0].model', 2, 12],
      ['c/d', '-', 'models[1].model', 3, 12],
      ['e/f', 'abc1234', 'models[1].model', 3, 12],
    ]);
  });

  it('skips local paths, URLs, bare names, files and values that are not strings', async () => {
    const values = ['./models/x', '../x/y', '/abs/path', '~/m/x', 'C:\\models\\x', 'https://hf.co/org/x', 'gpt2', 'org/sub/dir', 'data/train.jsonl', 'ckpt/model.safetensors', 'org/.hidden', 'org/x--y', 'a..b/c', 'org/', '/x'];
    const yaml = values.map((v, i) => `k${i}:\n  model: ${JSON.stringify(v)}`).join('\n');
    expect(rows(await config('a.yaml', `${yaml}\nm2:\n  model: 42\nm3:\n  model: [org/a]\nm4:\n  model: {name: org/b}\n`))).to.deep.equal([]);
    for (const v of values) expect(reposInValue(v), v).to.deep.equal([]);
    expect(isHubRepoId('meta-llama/Llama-3.1-8B')).to.equal(true);
    expect(isHubRepoId(`org/${'x'.repeat(97)}`)).to.equal(false);
  });

  it('nested keys give dotted paths; several documents are numbered', async () => {
    const a = await config('a.yaml', 'training:\n  base_model: org/a\n---\nserving:\n  model: org/b\n  revision: main\n');
    expect(rows(a)).to.deep.equal([
      ['org/a', '-', '[doc 1].training.base_model', 2, 15],
      ['org/b', 'main', '[doc 2].serving.model', 5, 10],
    ]);
    expect(a.config).to.deep.include({ syntax: 'yaml', documents: 2 });
  });

  it('YAML anchors, aliases and merge keys resolve as PyYAML resolves them', async () => {
    const a = await config(
      'a.yaml',
      [
        `pin: &pin ${COMMIT}`, // 1
        'base: &base', // 2
        '  model: org/shared', // 3
        '  revision: main', // 4
        'other: &other', // 5
        '  revision: v9', // 6
        '  tokenizer: org/tok', // 7
        'a:', // 8
        '  <<: [*base, *other]', // 9
        '  revision: *pin', // 10
        'b:', // 11
        '  <<: [*other, *base]', // 12
        'c:', // 13
        '  model: *alias_to_nothing', // 14
        'd:', // 15
        '  model: org/dup', // 16
        '  model: org/last', // 17
        '',
      ].join('\n'),
    );
    expect(rows(a)).to.deep.equal([
      ['org/shared', 'main', 'base.model', 3, 10],
      // Explicit keys beat merged ones; among merged maps the first listed wins.
      ['org/shared', COMMIT, 'a.model', 3, 10],
      ['org/shared', 'v9', 'b.model', 3, 10],
      ['org/tok', 'v9', 'other.tokenizer', 7, 14],
      ['org/tok', COMMIT, 'a.tokenizer', 7, 14],
      ['org/tok', 'v9', 'b.tokenizer', 7, 14],
      // A key given twice keeps its last value.
      ['org/last', '-', 'd.model', 17, 10],
    ]);
  });

  it('an aliased scalar value points at the alias', async () => {
    const a = await config('a.yaml', 'x: &m org/m\nserve:\n  model: *m\n');
    expect(rows(a)).to.deep.equal([['org/m', '-', 'serve.model', 3, 10]]);
  });

  it('JSON: positions by path, the last of duplicate keys, escapes in keys, NaN accepted as Python does', async () => {
    const text = '{\n  "a": {"model": "org/first", "model": "org/second"},\n  "b": [ {"base\\u005fmodel": "org/esc", "revision": NaN} ],\n  "c": {"tokenizer": "org/t", "tokenizer_revision": 7}\n}';
    const a = await config('app.json', text);
    expect(rows(a)).to.deep.equal([
      ['org/second', '-', 'a.model', 2, 40],
      ['org/esc', '-', 'b[0].base_model', 3, 30],
      ['org/t', '7', 'c.tokenizer', 4, 22],
    ]);
    expect(a.config).to.deep.equal({ syntax: 'json', documents: 1 });
  });

  it('hostile JSON keys stay data: __proto__ and constructor pollute nothing', async () => {
    const a = await config('x.json', '{"__proto__": {"model": "evil/one", "polluted": true}, "constructor": {"prototype": {"model": "evil/two"}}}');
    expect(rows(a).map((r) => r[2])).to.deep.equal(['__proto__.model', 'constructor.prototype.model']);
    expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
    expect(({} as Record<string, unknown>).model).to.equal(undefined);
    const y = await config('x.yaml', '__proto__:\n  model: evil/three\n');
    expect(rows(y).map((r) => r[2])).to.deep.equal(['__proto__.model']);
    expect(({} as Record<string, unknown>).model).to.equal(undefined);
  });

  it('records trust_remote_code when the loader would take it as true (YAML 1.1 yes/on, pydantic strings)', async () => {
    const a = await config('a.yaml', 'trust_remote_code: yes\nsub:\n  trust_remote_code: "True"\noff:\n  trust_remote_code: false\nlater:\n  trust_remote_code: ${oc.env:TRC}\nno:\n  trust_remote_code: no\n');
    expect(a.config.remoteCode).to.deep.equal([
      { keyPath: 'trust_remote_code', value: 'true', location: { line: 1, column: 20 } },
      { keyPath: 'sub.trust_remote_code', value: 'true', location: { line: 3, column: 22 } },
      { keyPath: 'later.trust_remote_code', value: 'unknown', location: { line: 7, column: 22 } },
    ]);
    const j = await config('a.json', '{"model_kwargs": {"trust_remote_code": true}}');
    expect(j.config.remoteCode).to.deep.equal([{ keyPath: 'model_kwargs.trust_remote_code', value: 'true', location: { line: 1, column: 40 } }]);
  });
});

describe('model-config: bad input fails closed', () => {
  it('YAML that does not parse: malformed, with the line, no references', async () => {
    const a = await config('deploy.yaml', 'metadata:\n  name: {{ .Release.Name }}-server\nmodel: org/x\n');
    expect(codes(a)).to.deep.equal(['model-config/malformed']);
    expect(a.anomalies[0]!.message).to.match(/^the file is not valid YAML \(.* at line 2\); a tool reading it would stop/);
    expect(a.modelRefs).to.deep.equal([]);
  });

  it('JSON that does not parse, a byte-order mark (Python json refuses it) and bytes that are not UTF-8', async () => {
    expect(codes(await config('a.json', '{"model": "org/x",}'))).to.deep.equal(['model-config/malformed']);
    expect(codes(await config('a.json', '\uFEFF{"model": "org/x"}'))).to.deep.equal(['model-config/malformed']);
    expect(codes(await analyse('a.json', new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])))).to.deep.equal(['model-config/malformed']);
    // PyYAML drops a byte-order mark.
    expect(rows(await config('a.yaml', '\uFEFFmodel: org/x\n'))).to.have.length(1);
  });

  it('a JSON config nested 60,000 deep is read in one pass (locating keys once cost depth squared: a hang)', async () => {
    const depth = 60_000;
    const a = await config('config.json', `${'{"model":'.repeat(depth)}"org/x"${'}'.repeat(depth)}`);
    expect(a.format).to.equal('model-config');
    expect(a.anomalies.length).to.be.greaterThan(0); // past the walker's depth limit: not fully analysed, never a pass
  });

  it('YAML nested past the limit (flow, compact block, indentation) is refused before the parser, which could abort the process', async () => {
    for (const text of [`a: ${'{'.repeat(5000)}`, `${'- '.repeat(3000)}x`, Array.from({ length: 400 }, (_, k) => `${' '.repeat(k)}k${k}:`).join('\n')]) {
      // Twice: the yaml package's deep recursion aborts V8 on a second parse in the same process.
      for (let i = 0; i < 2; i++) {
        const a = await config('deploy.yaml', text);
        expect(codes(a)).to.deep.equal(['model-config/limit']);
        expect(a.anomalies[0]!.message).to.match(/^not fully analysed: the YAML nests about \d+ levels deep/);
      }
    }
    // Real configs are nowhere near it; quoted brackets do not count.
    expect(yamlNestingDepth('a:\n  b: "{{{{[[[["\n  c: [1, {d: 2}]\n')).to.equal(4);
  });

  it('over the size caps: too-large, nothing read', async () => {
    const small = { ...DEFAULT_ANALYSE_OPTIONS, maxJsonBytes: 16 };
    const j = await analyse('a.json', '{"model": "org/x", "pad": 1}', small);
    expect(codes(j)).to.deep.equal(['model-config/too-large']);
    expect(j.anomalies[0]!.detail).to.deep.equal({ size: 28, limit: 16 });
    const big = `model: org/x\npad: "${'x'.repeat(DEFAULT_CONFIG_LIMITS.maxYamlBytes)}"\n`;
    const y = await analyse('a.yaml', big);
    expect(codes(y)).to.deep.equal(['model-config/too-large']);
    expect(y.modelRefs).to.deep.equal([]);
  });

  it('an alias bomb stops at the node budget, quickly', async () => {
    const lines = ['l0: &l0 [model, model, model, model, model, model, model, model, model]'];
    for (let i = 1; i < 12; i++) lines.push(`l${i}: &l${i} [${Array(9).fill(`*l${i - 1}`).join(', ')}]`);
    const started = Date.now();
    const a = await config('bomb.yaml', `${lines.join('\n')}\n`);
    expect(Date.now() - started).to.be.lessThan(5000);
    expect(codes(a)).to.deep.equal(['model-config/limit']);
    expect(a.anomalies[0]!.detail).to.deep.include({ what: 'nodes' });
  });

  it('a merge-key bomb and merge cycles end', async () => {
    const lines = ['m0: &m0 {a0: 1, a1: 2, a2: 3, a3: 4, model: org/x}'];
    for (let i = 1; i < 40; i++) lines.push(`m${i}: &m${i} {<<: [*m${i - 1}, *m${i - 1}], k${i}: v}`);
    const started = Date.now();
    const a = await config('merge-bomb.yaml', `${lines.join('\n')}\n`);
    expect(Date.now() - started).to.be.lessThan(5000);
    expect(a.modelRefs!.length).to.be.greaterThan(0);
    const cycle = await config('cycle.yaml', 'a: &a\n  <<: *a\n  model: org/x\nb: &b [*b, {model: org/y}]\n');
    expect(rows(cycle).map((r) => r[0])).to.include.members(['org/x', 'org/y']);
  });

  it('nesting past the depth cap is reported, not followed', async () => {
    let yaml = '';
    for (let i = 0; i < 80; i++) yaml += `${'  '.repeat(i)}k${i}:\n`;
    yaml += `${'  '.repeat(80)}model: org/deep\n`;
    const a = await config('deep.yaml', yaml);
    expect(codes(a)).to.deep.equal(['model-config/limit']);
    expect(a.anomalies[0]!.detail).to.deep.equal({ what: 'depth', limit: 64 });
    expect(a.modelRefs).to.deep.equal([]);
    // JSON nested far deeper than any parser's stack: an artifact, never an exception.
    const j = await analyse('deep.json', `${'['.repeat(200_000)}${']'.repeat(200_000)}`);
    expect(j.format).to.equal('model-config');
    expect(codes(j)).to.deep.equal(['model-config/limit']);
    // YAML flow collections nested past what the yaml package survives: refused before parsing, a limit.
    const y = await analyse('deep.yaml', `${'['.repeat(100_000)}${']'.repeat(100_000)}`);
    expect(codes(y)).to.deep.equal(['model-config/limit']);
    expect(y.anomalies[0]!.detail).to.include({ what: 'nesting', limit: 200 });
  });

  it('called directly with its own limits', async () => {
    const context = { path: 'x.yaml', name: 'x.yaml', depth: 0, options: DEFAULT_ANALYSE_OPTIONS } as AnalyseContext;
    const a = await analyseModelConfig(bufferReader(bytes('a:\n  b:\n    model: org/x\n')), context, { ...DEFAULT_CONFIG_LIMITS, maxDepth: 1 });
    expect(codes(a)).to.deep.equal(['model-config/limit']);
    // The node budget is for YAML alias expansion: JSON's walk is already bounded by its size cap.
    const json = await analyseModelConfig(bufferReader(bytes(JSON.stringify({ rows: Array(50).fill({ model: 'org/x' }) }))), { ...context, name: 'x.json' }, { ...DEFAULT_CONFIG_LIMITS, maxNodes: 10 });
    expect(codes(json)).to.deep.equal([]);
    expect(json.modelRefs).to.have.length(50);
  });
});
