import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { analyseReader, DEFAULT_ANALYSE_OPTIONS } from '../../../src/engine/analyse.js';
import { TEMPLATE_CODES as C } from '../../../src/parsers/template/codes.js';
import { templateConfigFromText } from '../../../src/parsers/template/config.js';
import type { ChatTemplateArtifact, TokenizerConfigArtifact } from '../../../src/parsers/template/types.js';
import { bufferReader } from '../../../src/sources/readers.js';
import type { Artifact } from '../../../src/types.js';

const fixtures = fileURLToPath(new URL('../../fixtures/', import.meta.url));
const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
const analyseAs = (name: string, content: Uint8Array | string, options = DEFAULT_ANALYSE_OPTIONS): Promise<Artifact> =>
  analyseReader(bufferReader(typeof content === 'string' ? bytes(content) : content), `repo/${name}`, 0, options);
const config = (a: Artifact): TokenizerConfigArtifact => {
  expect(a.format).to.equal('tokenizer-config');
  return a as TokenizerConfigArtifact;
};

describe('tokenizer_config.json and friends', () => {
  it('a single chat_template becomes one child at <file>!chat_template', async () => {
    const a = config(await analyseAs('tokenizer_config.json', JSON.stringify({ tokenizer_class: 'LlamaTokenizer', chat_template: '{{ cycler.__init__ }}' })));
    expect(a.tokenizerConfig).to.deep.equal({ tokenizerClass: 'LlamaTokenizer', templateCount: 1, kind: 'tokenizer_config.json', templateNames: ['default'], autoMap: [] });
    expect(a.children).to.have.length(1);
    const child = a.children[0] as ChatTemplateArtifact;
    expect(child.path).to.equal('repo/tokenizer_config.json!chat_template');
    expect(child.template.origin).to.equal('tokenizer-config');
    expect(child.anomalies.map((x) => x.code)).to.deep.equal([C.dunderAttribute]);
  });

  it('named templates (the list transformers saves, and a dict) become <file>!chat_template.<name>', () => {
    const listed = templateConfigFromText(JSON.stringify({ chat_template: [{ name: 'default', template: 'a' }, { name: 'tool_use', template: '{% include "x" %}' }] }), 'c.json', 'tokenizer_config.json');
    expect(listed.children.map((c) => c.path)).to.deep.equal(['c.json!chat_template.default', 'c.json!chat_template.tool_use']);
    expect((listed.children[1] as ChatTemplateArtifact).template.name).to.equal('tool_use');
    expect(listed.children[1].anomalies.map((x) => x.code)).to.deep.equal([C.loadsTemplate]);
    const dict = templateConfigFromText(JSON.stringify({ chat_template: { default: 'a', rag: 'b' } }), 'c.json', 'tokenizer_config.json');
    expect(dict.tokenizerConfig.templateNames).to.deep.equal(['default', 'rag']);
    const repeated = templateConfigFromText(JSON.stringify({ chat_template: [{ name: 'x', template: 'a' }, { name: 'x', template: 'b' }] }), 'c.json', 'tokenizer_config.json');
    expect(repeated.children.map((c) => c.path)).to.deep.equal(['c.json!chat_template.x', 'c.json!chat_template.x#1']);
  });

  it('a chat_template of the wrong shape is reported, the good entries still checked', () => {
    const a = templateConfigFromText(JSON.stringify({ chat_template: [{ name: 'ok', template: '{{ x.__class__ }}' }, { name: 'bad', template: 3 }, 'loose'] }), 'c.json', 'tokenizer_config.json');
    expect(a.anomalies.map((x) => x.code)).to.deep.equal([C.configMalformed, C.configMalformed]);
    expect(a.children).to.have.length(1);
    expect(a.children[0].anomalies.map((x) => x.code)).to.deep.equal([C.dunderAttribute]);
    expect(templateConfigFromText('{"chat_template": 5}', 'c.json', 'tokenizer_config.json').anomalies[0].message).to.contain('it is a number');
  });

  it('auto_map: dict form, the old bare pair, and references to other repositories', () => {
    const a = templateConfigFromText(JSON.stringify({ auto_map: { AutoTokenizer: ['tokenization_x.XTokenizer', null], AutoProcessor: 'other/repo--processing_x.XProcessor' } }), 'c.json', 'tokenizer_config.json');
    expect(a.tokenizerConfig.autoMap).to.deep.equal([
      { autoClass: 'AutoTokenizer', reference: 'tokenization_x.XTokenizer' },
      { autoClass: 'AutoTokenizer', reference: null },
      { autoClass: 'AutoProcessor', reference: 'other/repo--processing_x.XProcessor', repository: 'other/repo' },
    ]);
    const old = templateConfigFromText(JSON.stringify({ auto_map: ['tokenization_glm.GLMTokenizer', null] }), 'c.json', 'tokenizer_config.json');
    expect(old.tokenizerConfig.autoMap[0]).to.deep.equal({ autoClass: 'AutoTokenizer', reference: 'tokenization_glm.GLMTokenizer' });
    expect(templateConfigFromText('{"auto_map": 7}', 'c.json', 'tokenizer_config.json').anomalies.map((x) => x.code)).to.deep.equal([C.configMalformed]);
  });

  it('JSON that Python accepts (NaN, Infinity) is read; what Python refuses is reported, not thrown', () => {
    const py = templateConfigFromText('{"model_max_length": Infinity, "x": -Infinity, "y": NaN, "s": "NaN Infinity", "chat_template": "{{ x.__class__ }}"}', 'c.json', 'tokenizer_config.json');
    expect(py.anomalies).to.deep.equal([]);
    expect(py.children[0].anomalies.map((x) => x.code)).to.deep.equal([C.dunderAttribute]);
    for (const bad of ['{"chat_template": "x"', '\ufeff{"chat_template": "x"}', '[1, 2]', '']) {
      const a = templateConfigFromText(bad, 'c.json', 'tokenizer_config.json');
      expect(a.anomalies.map((x) => x.code), JSON.stringify(bad)).to.deep.equal([C.configMalformed]);
      expect(a.children).to.deep.equal([]);
    }
  });

  it('hostile keys stay data: __proto__ and constructor neither pollute nor break anything', () => {
    const a = templateConfigFromText('{"__proto__": {"polluted": true}, "constructor": 1, "chat_template": {"__proto__": "{{ x.__class__ }}", "constructor": "ok"}, "auto_map": {"__proto__": "m.C"}}', 'c.json', 'tokenizer_config.json');
    expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
    expect(a.tokenizerConfig.templateNames).to.deep.equal(['__proto__', 'constructor']);
    expect(a.children[0].anomalies.map((x) => x.code)).to.deep.equal([C.dunderAttribute]);
    expect(a.tokenizerConfig.autoMap).to.deep.equal([{ autoClass: '__proto__', reference: 'm.C' }]);
  });

  it('processor_config.json and the legacy chat_template.json are read the same way', async () => {
    for (const name of ['processor_config.json', 'chat_template.json']) {
      const a = config(await analyseAs(name, JSON.stringify({ chat_template: '{{ lipsum.__globals__ }}' })));
      expect(a.tokenizerConfig.kind).to.equal(name);
      expect(a.children[0].anomalies.map((x) => x.code)).to.deep.equal([C.dunderAttribute]);
    }
  });

  it('files are claimed by name, and content that is not JSON is reported', async () => {
    expect((await analyseAs('config.json', '{"chat_template": "x"}')).format).to.not.equal('tokenizer-config');
    expect(config(await analyseAs('tokenizer_config.json', 'not json at all')).anomalies.map((x) => x.code)).to.deep.equal([C.configMalformed]);
    // A BOM is claimed (transformers then refuses it, which is the finding).
    expect(config(await analyseAs('tokenizer_config.json', '\ufeff{}')).anomalies.map((x) => x.code)).to.deep.equal([C.configMalformed]);
    // The pickle sniff runs before named handlers: a pickle called tokenizer_config.json is analysed as a pickle.
    const pickle = new Uint8Array([0x80, 0x02, 0x63, ...bytes('posix\nsystem\n'), 0x71, 0x00, 0x2e]);
    expect((await analyseAs('tokenizer_config.json', pickle)).format).to.equal('pickle');
  });

  it('invalid UTF-8 and configs over the JSON cap are reported, not read', async () => {
    const invalid = new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]);
    expect(config(await analyseAs('tokenizer_config.json', invalid)).anomalies.map((x) => x.code)).to.deep.equal([C.configMalformed]);
    const big = config(await analyseAs('tokenizer_config.json', `{"a": "${'x'.repeat(200)}"}`, { ...DEFAULT_ANALYSE_OPTIONS, maxJsonBytes: 100 }));
    expect(big.anomalies.map((x) => x.code)).to.deep.equal([C.configTooLarge]);
    expect(big.anomalies[0].detail).to.include({ limit: 100 });
  });
});

describe('.jinja template files', () => {
  it('chat_template.jinja and additional_chat_templates/*.jinja are chat templates of origin jinja-file', async () => {
    const a = (await analyseAs('chat_template.jinja', "{{ x|attr('__class__') }}")) as ChatTemplateArtifact;
    expect(a.format).to.equal('chat-template');
    expect(a.template.origin).to.equal('jinja-file');
    expect(a.anomalies.map((x) => x.code)).to.deep.equal([C.dunderAttribute]);
  });

  it('the transformers-saved benign files give no anomaly at all', async () => {
    for (const f of ['benign/template/hf-jinja/chat_template.jinja', 'benign/template/hf-multi/additional_chat_templates/tool_use.jinja', 'benign/template/hf-legacy/tokenizer_config.json', 'benign/template/hf-jinja/tokenizer_config.json']) {
      const name = f.slice(f.lastIndexOf('/') + 1);
      const a = await analyseAs(name, readFileSync(fixtures + f));
      expect(a.anomalies, f).to.deep.equal([]);
      for (const c of a.children) expect(c.anomalies, f).to.deep.equal([]);
    }
    const legacy = config(await analyseAs('tokenizer_config.json', readFileSync(fixtures + 'benign/template/hf-legacy/tokenizer_config.json')));
    expect(legacy.tokenizerConfig.templateNames).to.deep.equal(['default', 'tool_use']);
  });

  it('a .jinja name is claimed whatever the bytes (NUL is valid UTF-8); invalid UTF-8 is reported', async () => {
    expect((await analyseAs('chat_template.jinja', new Uint8Array([0x7b, 0x7b, 0x00, 0x01]))).format).to.equal('chat-template');
    const a = (await analyseAs('chat_template.jinja', new Uint8Array([0x7b, 0x7b, 0xc3, 0x28, 0x7d, 0x7d]))) as ChatTemplateArtifact;
    expect(a.anomalies.map((x) => x.code)).to.deep.equal([C.notText]);
    expect(a.template.sha256).to.match(/^[0-9a-f]{64}$/);
  });

  it('a BOM stays part of the template text, and the hash is of the file bytes', async () => {
    const content = bytes('\ufeff{{ messages }}');
    const a = (await analyseAs('chat_template.jinja', content)) as ChatTemplateArtifact;
    expect(a.anomalies).to.deep.equal([]);
    const { createHash } = await import('node:crypto');
    expect(a.template.sha256).to.equal(createHash('sha256').update(content).digest('hex'));
    expect(a.size).to.equal(content.length);
  });

  it('a .jinja file over the read cap is not read, but hashed and reported', async () => {
    const a = (await analyseAs('chat_template.jinja', '{{ x }}'.repeat(40), { ...DEFAULT_ANALYSE_OPTIONS, maxJsonBytes: 100 })) as ChatTemplateArtifact;
    expect(a.anomalies.map((x) => x.code)).to.deep.equal([C.resourceLimit]);
    expect(a.template.sha256).to.match(/^[0-9a-f]{64}$/);
  });
});
