/** The strict JSON reader: serde_json's subset, duplicates reported, numbers kept as text, positions in bytes. */
import { expect } from 'chai';
import { parseStrictJson, type JsonNode } from '../../../src/parsers/safetensors/json.js';

const enc = new TextEncoder();
const parse = (text: string | Uint8Array, maxDepth = 128) => parseStrictJson(typeof text === "string" ? enc.encode(text) : text, { maxDepth, maxDuplicates: 100, maxValues: 1_000_000 });

function ok(text: string): Extract<ReturnType<typeof parse>, { ok: true }> {
  const r = parse(text);
  if (!r.ok) throw new Error(`expected ${text} to parse: ${r.message} at ${r.at}`);
  return r;
}

function error(text: string | Uint8Array): { message: string; at: number } {
  const r = parse(text);
  if (r.ok) throw new Error(`expected ${String(text)} to fail`);
  return r;
}

/** The node as plain data, for comparisons. */
function plain(node: JsonNode): unknown {
  switch (node.kind) {
    case 'object':
      return node.entries.map((e) => [e.key, plain(e.value)]);
    case 'array':
      return node.items.map(plain);
    case 'number':
      return `#${node.text}`;
    case 'null':
      return null;
    default:
      return node.value;
  }
}

describe('safetensors strict JSON reader', () => {
  it('reads objects as ordered entries, numbers as their literal text', () => {
    const r = ok('{"b": [1, -2.5e3, 18446744073709551616], "a": {"x": "y"}, "t": true, "f": false, "n": null}');
    expect(plain(r.value)).to.deep.equal([
      ['b', ['#1', '#-2.5e3', '#18446744073709551616']],
      ['a', [['x', 'y']]],
      ['t', true],
      ['f', false],
      ['n', null],
    ]);
    const b = (r.value as Extract<JsonNode, { kind: 'object' }>).entries[0]!.value as Extract<JsonNode, { kind: 'array' }>;
    expect(b.items.map((n) => (n.kind === 'number' ? n.integer : undefined))).to.deep.equal([true, false, true]);
  });

  it('reports every duplicate key with the path to its object, comparing keys after unescaping', () => {
    const r = ok('{"a": 1, "t": {"dtype": "F32", "dtype": "I8"}, "\\u0061": 2, "a": 3}');
    expect(r.duplicateCount).to.equal(3);
    expect(r.duplicates.map((d) => [d.key, d.path])).to.deep.equal([
      ['dtype', ['t']],
      ['a', []],
      ['a', []],
    ]);
    expect(r.duplicates[1]!.first).to.equal(1);
    // Byte position of the repeated key's quote.
    expect(r.duplicates[1]!.at).to.equal('{"a": 1, "t": {"dtype": "F32", "dtype": "I8"}, '.length);
  });

  it('keeps __proto__ and constructor as ordinary keys', () => {
    const r = ok('{"__proto__": {"polluted": "yes"}, "constructor": 1}');
    expect(plain(r.value)).to.deep.equal([
      ['__proto__', [['polluted', 'yes']]],
      ['constructor', '#1'],
    ]);
    expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
  });

  it('decodes escapes and UTF-8, including surrogate pairs', () => {
    const r = ok('["a\\"b\\\\c\\/d\\b\\f\\n\\r\\t", "\\u00e9\\ud83d\\ude00", "é😀"]');
    expect(plain(r.value)).to.deep.equal(['a"b\\c/d\b\f\n\r\t', 'é😀', 'é😀']);
  });

  it('gives the root value position and lets whitespace surround it', () => {
    const r = ok(' \n\t{"a": 1}\r\n  ');
    expect(r.start).to.equal(3);
    expect(r.end).to.equal(11);
  });

  const rejected: Array<[string, RegExp]> = [
    ['', /EOF while parsing a value/],
    ['{', /EOF while parsing an object/],
    ['{"a": 1,}', /key must be a string/],
    ['[1, 2,]', /expected value/],
    ['{"a" 1}', /expected ':'/],
    ['{} x', /trailing characters/],
    ['{}\u0000', /trailing characters/],
    ['{"a": 01}', /invalid number/],
    ['{"a": 1.}', /invalid number/],
    ['{"a": .5}', /expected value/],
    ['{"a": +1}', /expected value/],
    ['{"a": -}', /invalid number/],
    ['{"a": 1e}', /invalid number/],
    ['{"a": NaN}', /expected value/],
    ['{"a": Infinity}', /expected value/],
    ['{"a": "x\ny"}', /control character/],
    ['{"a": "\\x"}', /invalid escape/],
    ['{"a": "\\u12"}', /hex escape/],
    ['{"a": "\\ud800"}', /lone leading surrogate/],
    ['{"a": "\\ud800\\u0041"}', /lone leading surrogate/],
    ['{"a": "\\udc00"}', /lone trailing surrogate/],
    ['{"a": "x', /EOF while parsing a string/],
    ['{"a": tru}', /expected value/],
    ["{'a': 1}", /key must be a string/],
    ['\ufeff{}', /expected value/],
    ['{} // comment', /trailing characters/],
  ];
  for (const [text, message] of rejected) {
    it(`rejects ${JSON.stringify(text)}`, () => {
      expect(error(text).message).to.match(message);
    });
  }

  it('points at the byte where the error is', () => {
    expect(error('{"a": 1, "b" 2}').at).to.equal(13);
    expect(error('{"é": x}').at).to.equal(7);
  });

  it('caps nesting depth instead of overflowing the stack', () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    expect(error(deep).message).to.match(/nesting deeper than 128 levels/);
    expect(parse(`${'['.repeat(128)}${']'.repeat(128)}`).ok).to.equal(true);
    expect(parse(`${'['.repeat(129)}${']'.repeat(129)}`).ok).to.equal(false);
  });

  it('caps the duplicate list but counts them all', () => {
    const body = Array.from({ length: 300 }, () => '"k": 1').join(',');
    const r = parseStrictJson(enc.encode(`{${body}}`), { maxDepth: 128, maxDuplicates: 10, maxValues: 1_000_000 });
    expect(r.ok && r.duplicates.length).to.equal(10);
    expect(r.ok && r.duplicateCount).to.equal(299);
  });

  it('stops at the value budget with a limit result, not a syntax error', () => {
    const r = parseStrictJson(enc.encode(`[${'0,'.repeat(999)}0]`), { maxDepth: 128, maxDuplicates: 10, maxValues: 500 });
    expect(r.ok).to.equal(false);
    expect(!r.ok && r.limit).to.equal(true);
    expect(!r.ok && r.message).to.match(/more than 500 JSON values/);
    expect(parseStrictJson(enc.encode('[1,2,3]'), { maxDepth: 128, maxDuplicates: 10, maxValues: 4 }).ok).to.equal(true);
  });

  it('reads a long header in linear time', () => {
    const entries = Array.from({ length: 50_000 }, (_, i) => `"layer.${i}.weight":{"dtype":"F32","shape":[4],"data_offsets":[${i * 16},${i * 16 + 16}]}`);
    const text = `{${entries.join(',')}}`;
    const started = Date.now();
    const r = ok(text);
    expect(Date.now() - started).to.be.lessThan(2000);
    expect(r.value.kind === 'object' && r.value.entries.length).to.equal(50_000);
  });
});
