import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { analyseReader, DEFAULT_ANALYSE_OPTIONS } from '../../../src/engine/analyse.js';
import type { AnalyseOptions } from '../../../src/engine/format-handler.js';
import { analyseGguf } from '../../../src/parsers/gguf/analyse.js';
import type { GgufArtifact } from '../../../src/parsers/gguf/types.js';
import type { ChatTemplateArtifact } from '../../../src/parsers/template/types.js';
import { bufferReader } from '../../../src/sources/readers.js';
import { buildGguf, soundSpec, V, type GgufSpec } from './build.js';

const fixture = (kind: 'benign' | 'malicious', name: string): Uint8Array =>
  new Uint8Array(readFileSync(new URL(`../../fixtures/${kind}/gguf/${name}`, import.meta.url)));

const analyse = (bytes: Uint8Array, options: Partial<AnalyseOptions> = {}, path = 'm.gguf'): Promise<GgufArtifact> =>
  analyseGguf(bufferReader(bytes), { path, options: { ...DEFAULT_ANALYSE_OPTIONS, ...options } });

const codes = (a: GgufArtifact): string[] => a.anomalies.map((x) => x.code);
const build = (spec: Partial<GgufSpec>): Uint8Array => buildGguf(soundSpec(spec));

describe('gguf header: files written by gguf-py', () => {
  it('reads the tiny llama model: version, counts, architecture, BOM metadata, parameters, tensor types', async () => {
    const a = await analyse(fixture('benign', 'tiny-llama.gguf'));
    expect(a.anomalies).to.deep.equal([]);
    expect(a.gguf).to.deep.include({ version: 3, tensorCount: 5, kvCount: 17, architecture: 'llama', parameterCount: 8 * 32 + 32 + 2 * 64 + 2 * 32 + 32, hasChatTemplate: true, littleEndian: true, alignment: 32 });
    expect(a.gguf.metadata).to.deep.equal({
      'general.architecture': 'llama',
      'general.name': 'modelvet tiny llama',
      'general.license': 'apache-2.0',
      'llama.context_length': 128,
      'llama.embedding_length': 32,
      'llama.block_count': 1,
      'llama.feed_forward_length': 64,
      'llama.attention.head_count': 4,
      'general.file_type': 7,
      'general.quantization_version': 2,
      'tokenizer.ggml.model': 'llama',
    });
    expect(a.gguf.tensorTypes).to.deep.equal({ F32: 2, F16: 2, Q8_0: 1 });
    // gguf-py's own reader puts the first tensor's data at 1600.
    expect(a.gguf.dataOffset).to.equal(1600);
  });

  it('never records the vocabulary or the template in the metadata', async () => {
    const a = await analyse(fixture('benign', 'tiny-llama.gguf'));
    expect(Object.keys(a.gguf.metadata).filter((k) => k.startsWith('tokenizer.ggml.tokens') || k.includes('chat_template'))).to.deep.equal([]);
  });

  it('reads the big-endian file as the same model', async () => {
    const le = await analyse(fixture('benign', 'tiny-llama.gguf'));
    const be = await analyse(fixture('benign', 'tiny-llama-big-endian.gguf'));
    expect(be.anomalies).to.deep.equal([]);
    expect(be.gguf.littleEndian).to.equal(false);
    expect({ ...be.gguf, littleEndian: true }).to.deep.equal(le.gguf);
  });

  it('reads a vocab-only file with no tensors', async () => {
    const a = await analyse(fixture('benign', 'vocab-only.gguf'));
    expect(a.anomalies).to.deep.equal([]);
    expect(a.gguf.tensorCount).to.equal(0);
    expect(a.gguf.parameterCount).to.equal(0);
  });

  it('is chosen by content through analyseReader, whatever the name', async () => {
    const a = await analyseReader(bufferReader(fixture('benign', 'tiny-llama.gguf')), 'weights.bin');
    expect(a.format).to.equal('gguf');
  });
});

describe('gguf header: chat templates become children', () => {
  it('makes tokenizer.chat_template a gguf-origin child at <path>!tokenizer.chat_template', async () => {
    const a = await analyse(fixture('benign', 'tiny-llama.gguf'), {}, 'models/tiny.gguf');
    expect(a.children).to.have.length(1);
    const t = a.children[0] as ChatTemplateArtifact;
    expect(t.format).to.equal('chat-template');
    expect(t.path).to.equal('models/tiny.gguf!tokenizer.chat_template');
    expect(t.template.origin).to.equal('gguf');
    expect(t.template.name).to.equal(undefined);
  });

  it('names tokenizer.chat_template.<name> children after their template', async () => {
    const a = await analyse(fixture('benign', 'tiny-llama-named-templates.gguf'));
    const templates = a.children as ChatTemplateArtifact[];
    expect(templates.map((t) => [t.path, t.template.name, t.template.origin])).to.have.deep.members([
      ['m.gguf!tokenizer.chat_template', undefined, 'gguf'],
      ['m.gguf!tokenizer.chat_template.tool_use', 'tool_use', 'gguf'],
    ]);
  });

  it('hands the named template of the cycler fixture over, not only the default', async () => {
    const a = await analyse(fixture('malicious', 'ssti-named-template-cycler.gguf'));
    expect(a.children.map((c) => c.path)).to.include('m.gguf!tokenizer.chat_template.rag');
  });

  it('keeps both values of a template key that appears twice', async () => {
    const tpl = { key: 'tokenizer.chat_template', type: V.STRING };
    const a = await analyse(buildGguf({ kvs: [{ ...tpl, value: 'first' }, { ...tpl, value: 'second' }] }));
    expect(codes(a)).to.deep.equal(['gguf/duplicate-key']);
    expect(a.children.map((c) => c.path)).to.deep.equal(['m.gguf!tokenizer.chat_template', 'm.gguf!tokenizer.chat_template#1']);
  });

  it('reports a template that is not a string, and one list of names that is not strings', async () => {
    const a = await analyse(
      buildGguf({
        kvs: [
          { key: 'tokenizer.chat_template', type: V.UINT32, value: 7 },
          { key: 'tokenizer.chat_template.rag', type: V.ARRAY, arrayType: V.STRING, value: ['{{ x }}'] },
          { key: 'tokenizer.chat_templates', type: V.STRING, value: 'rag' },
        ],
      }),
    );
    expect(codes(a)).to.deep.equal(['gguf/template-not-string', 'gguf/template-not-string', 'gguf/template-not-string']);
    expect(a.anomalies[0].message).to.match(/tokenizer\.chat_template is a u32, not a string/);
    expect(a.anomalies[1].message).to.match(/tokenizer\.chat_template\.rag is an array of str, not a string/);
    expect(a.anomalies[2].message).to.equal('tokenizer.chat_templates should list template names as an array of strings but is a str');
    expect(a.children).to.deep.equal([]);
    expect(a.gguf.hasChatTemplate).to.equal(true);
  });

  it('keeps a long template whole (the header cap bounds it)', async () => {
    const long = `{{ x }}${' '.repeat(300_000)}`;
    const a = await analyse(buildGguf({ kvs: [{ key: 'tokenizer.chat_template', type: V.STRING, value: long }] }));
    expect(a.anomalies).to.deep.equal([]);
    expect((a.children[0] as ChatTemplateArtifact).template.length).to.equal(long.length);
  });
});

describe('gguf header: hand-made headers, and what llama.cpp refuses', () => {
  it('accepts a sound hand-made header with no anomaly', async () => {
    const a = await analyse(build({}));
    expect(a.anomalies).to.deep.equal([]);
    expect(a.gguf.parameterCount).to.equal(64 + 64);
  });

  it('reads a header spanning many read windows: fields after a refill come from the new window', async () => {
    const tokens = Array.from({ length: 20_000 }, (_, i) => `t${i}`);
    const spec = soundSpec();
    const kvs = [
      { key: 'tokenizer.ggml.tokens', type: V.ARRAY, arrayType: V.STRING, value: tokens },
      // Larger than the largest window: the next field is read after a refill.
      { key: 'tokenizer.ggml.token_type', type: V.ARRAY, arrayType: V.INT32, value: new Uint8Array(4 * 800_000) },
      ...spec.kvs!.filter((k) => k.key !== 'tokenizer.ggml.tokens'),
    ];
    for (const bigEndian of [false, true]) {
      const a = await analyse(buildGguf({ ...spec, kvs, bigEndian }));
      expect(a.anomalies, `bigEndian ${bigEndian}`).to.deep.equal([]);
      expect(a.gguf.metadata).to.deep.include({ 'general.name': 'hand-made', 'llama.context_length': 256 });
      expect(a.gguf.tensorTypes).to.deep.equal({ F32: 1, Q8_0: 1 });
      expect(a.children).to.have.length(1);
    }
  });

  it('reads GGUF v1 (32-bit counts and lengths)', async () => {
    const a = await analyse(build({ version: 1 }));
    expect(a.anomalies).to.deep.equal([]);
    expect(a.gguf.version).to.equal(1);
    expect(a.gguf.metadata['general.name']).to.equal('hand-made');
  });

  it('rejects versions outside 1–3', async () => {
    const a = await analyse(build({ version: 4 }));
    expect(codes(a)).to.deep.equal(['gguf/bad-version']);
    expect(a.anomalies[0].message).to.include('version is 4');
  });

  it('names the count that cannot fit', async () => {
    const a = await analyse(build({ tensorCount: 1n << 50n }));
    expect(codes(a)).to.deep.equal(['gguf/bad-count']);
    expect(a.anomalies[0].message).to.match(/declares 1125899906842624 tensors/);
  });

  it('counts tensors and key-value pairs together against the file size', async () => {
    const room = BigInt(build({}).length - 24);
    const a = await analyse(build({ tensorCount: room / 24n }));
    expect(codes(a)).to.deep.equal(['gguf/bad-count']);
    expect(a.anomalies[0].message).to.include('tensors beside its 6 key-value pairs');
  });

  it('names the string whose length runs past the end, with the length', async () => {
    const bytes = build({});
    // general.name's length field: magic, version, counts, then key 0 (architecture) and key 1.
    const view = new DataView(bytes.buffer);
    const at = 24 + 8 + 'general.architecture'.length + 4 + 8 + 'llama'.length + 8 + 'general.name'.length + 4;
    view.setBigUint64(at, 1n << 62n, true);
    const a = await analyse(bytes);
    expect(codes(a)).to.deep.equal(['gguf/truncated']);
    expect(a.anomalies[0].message).to.match(/the value of general\.name \(a string\) needs 4611686018427387904 bytes at offset \d+, past the end of the file/);
    expect(a.anomalies[0].detail).to.deep.include({ need: '4611686018427387904' });
  });

  it('reports a file cut anywhere in its header as truncated, never as sound', async () => {
    const bytes = build({});
    for (let cut = 4; cut < 330; cut += 7) {
      const a = await analyse(bytes.subarray(0, cut));
      // Early cuts leave counts the rest of the file cannot hold; later ones end inside a field.
      expect(codes(a).filter((c) => c === 'gguf/truncated' || c === 'gguf/bad-count'), `cut at ${cut}`).to.have.length(1);
    }
  });

  it('reports an empty key, a value type outside the 13, and an array of arrays', async () => {
    expect(codes(await analyse(buildGguf({ kvs: [{ key: '', type: V.UINT8, value: 1 }] })))).to.deep.equal(['gguf/empty-key']);
    const badType = await analyse(buildGguf({ kvs: [{ key: 'k', type: 13, value: 1 }, { key: 'j', type: V.UINT8, value: 1 }] }));
    expect(codes(badType)).to.deep.equal(['gguf/bad-value-type']);
    expect(badType.anomalies[0].message).to.include('k has value type 13');
  });

  it('reads past an array of arrays (as gguf-py does) but reports it, since llama.cpp refuses it', async () => {
    const a = await analyse(
      buildGguf({
        kvs: [
          { key: 'nested', type: V.ARRAY, arrayType: V.ARRAY, innerType: V.UINT16, value: [[1, 2], [3]] },
          { key: 'tokenizer.chat_template', type: V.STRING, value: 'after' },
        ],
      }).slice(),
    );
    expect(codes(a)).to.deep.equal(['gguf/bad-value-type']);
    expect(a.children.map((c) => c.path)).to.deep.equal(['m.gguf!tokenizer.chat_template']);
  });

  it('requires general.alignment to be a u32 power of two', async () => {
    const u64 = await analyse(build({ kvs: [{ key: 'general.alignment', type: V.UINT64, value: 32n }] }));
    expect(codes(u64)).to.deep.equal(['gguf/bad-alignment']);
    expect(u64.anomalies[0].message).to.include('u64');
    const zero = await analyse(build({ kvs: [{ key: 'general.alignment', type: V.UINT32, value: 0 }] }));
    expect(codes(zero)).to.deep.equal(['gguf/bad-alignment']);
    const ok = await analyse(build({ alignment: 64, kvs: [{ key: 'general.alignment', type: V.UINT32, value: 64 }] }));
    expect(ok.anomalies).to.deep.equal([]);
    expect(ok.gguf.alignment).to.equal(64);
  });

  it('refuses tensor names of 64 bytes or more', async () => {
    const a = await analyse(build({ tensors: [{ name: 'n'.repeat(64), dims: [4], type: 0 }] }));
    expect(codes(a)).to.deep.equal(['gguf/tensor-name-too-long']);
  });

  it('refuses n_dims above 4', async () => {
    const a = await analyse(build({ tensors: [{ name: 'five', dims: [1, 1, 1, 1, 1], type: 0 }] }));
    expect(codes(a)).to.deep.equal(['gguf/bad-n-dims']);
    expect(a.anomalies[0].message).to.include('n_dims 5');
  });

  it('refuses dimensions that are negative as int64, and shapes whose size overflows', async () => {
    const neg = await analyse(build({ tensors: [{ name: 't', dims: [1n << 63n], type: 0 }], dataBytes: 64 }));
    expect(codes(neg)).to.deep.equal(['gguf/bad-dimension']);
    const big = await analyse(build({ tensors: [{ name: 't', dims: [1n << 40n, 1n << 30n], type: 0 }], dataBytes: 64 }));
    expect(codes(big)).to.deep.equal(['gguf/size-overflow']);
    expect(big.gguf.parameterCount).to.equal(undefined);
  });

  it('refuses unknown and removed ggml types, and rows that are not whole blocks', async () => {
    const removed = await analyse(build({ tensors: [{ name: 't', dims: [32], type: 4 }], dataBytes: 64 }));
    expect(codes(removed)).to.deep.equal(['gguf/unknown-tensor-type']);
    const rows = await analyse(build({ tensors: [{ name: 't', dims: [33], type: 8 }], dataBytes: 64 }));
    expect(codes(rows)).to.deep.equal(['gguf/block-size-mismatch']);
  });

  it('reports duplicate tensor names and duplicate keys', async () => {
    const t = await analyse(build({ tensors: [{ name: 'x', dims: [8], type: 0 }, { name: 'x', dims: [8], type: 0 }] }));
    expect(codes(t)).to.deep.equal(['gguf/duplicate-tensor']);
    const k = await analyse(buildGguf({ kvs: [{ key: 'general.name', type: V.STRING, value: 'a' }, { key: 'general.name', type: V.STRING, value: 'b' }] }));
    expect(codes(k)).to.deep.equal(['gguf/duplicate-key']);
    expect(k.anomalies[0].message).to.include('the key general.name is duplicated');
  });
});

describe('gguf names from the file in messages and paths', () => {
  it('escapes control and bidi characters, so a name cannot drive the terminal', async () => {
    const key = 'tokenizer.chat_template.\u001b[2J\u202e';
    const a = await analyse(
      buildGguf({
        kvs: [{ key, type: V.STRING, value: 'a' }, { key, type: V.STRING, value: 'b' }],
        tensors: [{ name: 'x\u0007', dims: [8], type: 0 }, { name: 'x\u0007', dims: [8], type: 0 }],
      }),
    );
    const text = [...a.anomalies.map((x) => x.message), ...a.children.map((c) => c.path)].join('\n');
    expect(text).to.not.match(/[\u0000-\u0009\u000b-\u001f\u202e]/);
    expect(a.anomalies.map((x) => x.message)).to.include.members([
      'the key tokenizer.chat_template.\\u001b[2J\\u202e is duplicated: llama.cpp refuses the file, while other readers keep the first or the last value',
      'the tensor name x\\u0007 is duplicated: llama.cpp refuses the file, while other readers load one tensor or the other',
    ]);
    expect(a.children.map((c) => c.path)).to.deep.equal(['m.gguf!tokenizer.chat_template.\\u001b[2J\\u202e', 'm.gguf!tokenizer.chat_template.\\u001b[2J\\u202e#1']);
  });
});

describe('gguf tensor layout', () => {
  const two = (first: bigint, second: bigint, dataBytes = 4096) =>
    build({ tensors: [{ name: 'a', dims: [32], type: 0, offset: first }, { name: 'b', dims: [32], type: 0, offset: second }], dataBytes });

  it('accepts packed, aligned tensors inside the file', async () => {
    expect((await analyse(two(0n, 128n))).anomalies).to.deep.equal([]);
  });

  it('reports misaligned offsets', async () => {
    const a = await analyse(two(0n, 130n));
    expect(codes(a)).to.deep.equal(['gguf/misaligned-offset']);
    expect(a.anomalies[0].message).to.match(/tensor b's data offset 130 is not aligned to general\.alignment \(32\)/);
  });

  it('reports overlapping tensors', async () => {
    const a = await analyse(two(0n, 64n));
    expect(codes(a)).to.deep.equal(['gguf/overlapping-tensors']);
    expect(a.anomalies[0].message).to.include("tensor b's data overlaps tensor a's");
  });

  it('reports tensors not packed in header order, as gguf.cpp requires', async () => {
    const gap = await analyse(two(0n, 256n));
    expect(codes(gap)).to.deep.equal(['gguf/offset-order']);
    expect(gap.anomalies[0].message).to.include('where llama.cpp expects 128');
    const swapped = await analyse(two(128n, 0n));
    expect(codes(swapped)).to.deep.equal(['gguf/offset-order', 'gguf/offset-order']);
  });

  it('reports tensor data past the end of the file', async () => {
    const a = await analyse(two(0n, 128n, 200));
    expect(codes(a)).to.deep.equal(['gguf/data-past-eof']);
    expect(a.anomalies[0].message).to.include("tensor b's 128 bytes at data offset 128 run past the end of the file");
  });

  it('reports a data section that would start past the end', async () => {
    const a = await analyse(build({ tensors: [{ name: 'odd', dims: [3], type: 0 }], dataBytes: 0 }));
    expect(codes(a)).to.deep.equal(['gguf/truncated']);
    expect(a.anomalies[0].message).to.match(/tensor data section would start at offset \d+, past the end of the file/);
  });
});

describe('gguf limits', () => {
  it('stops at maxArchiveMembers key-value pairs or tensors, as a limit', async () => {
    const kvs = await analyse(build({}), { maxArchiveMembers: 3 });
    expect(codes(kvs)).to.deep.equal(['gguf/count-limit']);
    expect(kvs.anomalies[0].message).to.match(/declares 6 key-value pairs; modelvet reads at most 3/);
    const many = Array.from({ length: 10 }, (_, i) => ({ name: `t${i}`, dims: [8], type: 0 }));
    const tensors = await analyse(build({ tensors: many }), { maxArchiveMembers: 8 });
    expect(codes(tensors)).to.deep.equal(['gguf/count-limit']);
    expect(tensors.anomalies[0].message).to.match(/declares 10 tensors; modelvet reads at most 8/);
    // The templates before the cut are still handed over.
    expect(tensors.children).to.have.length(1);
  });

  it('does not read keys longer than 64 KiB', async () => {
    const a = await analyse(buildGguf({ kvs: [{ key: 'k'.repeat(70_000), type: V.UINT8, value: 1 }] }));
    expect(codes(a)).to.deep.equal(['gguf/string-limit']);
    expect(a.anomalies[0].message).to.include('70000-byte key');
  });

  it('stops at maxJsonBytes of header, as a limit rather than a truncation', async () => {
    const a = await analyse(build({}), { maxJsonBytes: 100 });
    expect(codes(a)).to.deep.equal(['gguf/header-limit']);
  });

  it('lists a few anomalies of one kind and counts the rest', async () => {
    const tensors = Array.from({ length: 30 }, () => ({ name: 'same', dims: [8], type: 0 }));
    const a = await analyse(build({ tensors }));
    expect(codes(a).filter((c) => c === 'gguf/duplicate-tensor')).to.have.length(9);
    expect(a.anomalies.at(-1)!.message).to.equal('21 more gguf/duplicate-tensor anomalies of the same kind were found and not listed');
  });
});

describe('gguf: what Hugging Face\'s JavaScript reader sees', () => {
  it('finds no divergence on real files', async () => {
    for (const f of ['tiny-llama.gguf', 'tiny-llama-big-endian.gguf', 'tiny-llama-named-templates.gguf', 'vocab-only.gguf']) {
      expect((await analyse(fixture('benign', f))).anomalies, f).to.deep.equal([]);
    }
  });

  it('reports a __proto__ key, which a plain-object reader drops, without polluting prototypes', async () => {
    const a = await analyse(build({ kvs: [...soundSpec().kvs!, { key: '__proto__', type: V.ARRAY, arrayType: V.UINT8, value: [1] }] }));
    expect(codes(a)).to.deep.equal(['gguf/hub-divergence']);
    expect(a.anomalies[0].message).to.include('does not see the key "__proto__"');
    expect(({} as Record<string, unknown>)['0']).to.equal(undefined);
    expect(Object.getPrototypeOf(a.gguf.metadata)).to.equal(Object.prototype);
  });

  it('reports a header only the JavaScript reader rejects (its array cap) as unreadable', async () => {
    const a = await analyse(buildGguf({ kvs: [{ key: 'many', type: V.ARRAY, arrayType: V.UINT8, value: new Array(1_000_001).fill(0) }] }));
    expect(codes(a)).to.deep.equal(['gguf/hub-unreadable']);
    expect(a.anomalies[0].message).to.match(/^@huggingface\/gguf rejects a header llama\.cpp accepts \(Metadata array length 1000001 exceeds/);
  });

  it('reports a key named like one of its header fields', async () => {
    const a = await analyse(build({ kvs: [...soundSpec().kvs!, { key: 'kv_count', type: V.UINT32, value: 1 }] }));
    expect(codes(a)).to.deep.equal(['gguf/hub-divergence']);
    expect(a.anomalies[0].message).to.include('the key kv_count replaces the header field');
  });
});
