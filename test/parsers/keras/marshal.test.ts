import { expect } from 'chai';
import fc from 'fast-check';
import { summariseMarshalledCode } from '../../../src/parsers/keras/marshal.js';
import { kerasConfig } from './helpers.js';

/** Builders for marshal bytes, as CPython writes them. */
const int32 = (n: number): number[] => [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, (n >>> 24) & 0xff];
const bytesObj = (b: number[]): number[] => [0x73 /* s */, ...int32(b.length), ...b];
const shortAscii = (s: string): number[] => [0x7a /* z */, s.length, ...Buffer.from(s, 'latin1')];
const interned = (s: string): number[] => [0x74 /* t */, ...int32(s.length), ...Buffer.from(s, 'utf8')];
const tuple = (...items: number[][]): number[] => [0x29 /* ) */, items.length, ...items.flat()];
const NONE = [0x4e];

/** A 3.8-3.10 code object: 6 header ints, code, consts, names, varnames, freevars, cellvars, filename, name, firstlineno, lnotab. */
function code38(names: string[], consts: number[][] = [NONE]): number[] {
  return [
    0x63, ...int32(1), ...int32(0), ...int32(0), ...int32(1), ...int32(2), ...int32(0x43),
    ...bytesObj([0x74, 0x00, 0x53, 0x00]),
    ...tuple(...consts),
    ...tuple(...names.map(shortAscii)),
    ...tuple(shortAscii('x')), ...tuple(), ...tuple(),
    ...shortAscii('<stdin>'), ...shortAscii('<lambda>'),
    ...int32(1),
    ...bytesObj([]),
  ];
}

/** A Python 2 code object: 4 header ints, interned names and a string reference ('R'). */
function code27(): number[] {
  return [
    0x63, ...int32(1), ...int32(1), ...int32(2), ...int32(0x43),
    ...bytesObj([0x74, 0x00, 0x00, 0x53]),
    ...tuple(NONE, interned('echo modelvet')),
    ...tuple(interned('os'), interned('system')),
    ...tuple(interned('x')), ...tuple(), ...tuple(),
    ...interned('<stdin>'),
    0x52 /* R */, ...int32(1), // name: a reference to the interned 'echo modelvet' (index 1)
    ...int32(1),
    ...bytesObj([]),
  ];
}

describe('marshal code reader', () => {
  it('CPython 3.11 bytecode from a Lambda keras saved: names and layout', async () => {
    const config = (await kerasConfig('malicious/keras/lambda-getcwd.keras')) as { config: { layers: Array<{ config: { function: { config: { code: string } } } }> } };
    const bytes = new Uint8Array(Buffer.from(config.config.layers[1].config.function.config.code, 'base64'));
    const summary = summariseMarshalledCode(bytes);
    expect(summary).to.deep.include({ names: ['os', 'getcwd'], codeObjects: 1, layout: '3.11+' });
  });

  it('the 3.8-3.10 layout (six header ints), nested code objects in consts', () => {
    const inner = code38(['subprocess', 'run']);
    const outer = new Uint8Array(code38(['__import__'], [NONE, inner, shortAscii('modelvet')]));
    expect(summariseMarshalledCode(outer)).to.deep.equal({ names: ['subprocess', 'run', '__import__'], strings: ['modelvet'], codeObjects: 2, layout: '3.8-3.10' });
  });

  it('the Python 2 layout with interned strings and string references', () => {
    expect(summariseMarshalledCode(new Uint8Array(code27()))).to.deep.include({ names: ['os', 'system'], strings: ['echo modelvet'], layout: '2.x' });
  });

  it('references (FLAG_REF / TYPE_REF) resolve to earlier objects', () => {
    // names = (ref-flagged 'os', ref to it): the second name is the same string.
    const bytes = code38([]);
    const namesAt = bytes.indexOf(0x29, 6 * 4 + 1 + 9 + 3); // the names tuple follows code and consts
    const withRefs = [...bytes.slice(0, namesAt), 0x29, 2, 0x7a | 0x80, 2, ...Buffer.from('os'), 0x72, ...int32(0), ...bytes.slice(namesAt + 2)];
    expect(summariseMarshalledCode(new Uint8Array(withRefs))).to.deep.include({ names: ['os'] });
  });

  it('not a code object, truncated, or hostile: an error, never an exception', () => {
    expect(summariseMarshalledCode(new Uint8Array([0x4e]))).to.deep.equal({ error: 'not a marshalled code object' });
    const full = code38(['os', 'system']);
    for (let cut = 1; cut < full.length; cut++) expect(summariseMarshalledCode(new Uint8Array(full.slice(0, cut)))).to.have.property('error');
    // A tuple claiming 2^31-1 items, a reference past the table, nesting past the limit.
    expect(summariseMarshalledCode(new Uint8Array([0x63, ...int32(0), ...int32(0), ...int32(0), ...int32(0), ...int32(0), 0x28, 0xff, 0xff, 0xff, 0x7f]))).to.have.property('error');
    expect(summariseMarshalledCode(new Uint8Array([...code38([]).slice(0, 25), 0x72, ...int32(99)]))).to.have.property('error');
    const deep = [0x63, ...int32(0), ...int32(0), ...int32(0), ...int32(0), ...int32(0), ...Array(200).fill([0x29, 1]).flat(), ...NONE];
    expect(summariseMarshalledCode(new Uint8Array(deep))).to.have.property('error');
  });

  it('random and mutated bytes never throw (property)', () => {
    const seed = code38(['os', 'getcwd'], [NONE, code38(['a', 'b'])]);
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 300 }).map((b) => new Uint8Array([0x63, ...b])),
          fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }).map((edits) => {
            const out = seed.slice();
            for (const [at, v] of edits) out[at % out.length] = v;
            return new Uint8Array(out);
          }),
        ),
        (bytes) => {
          const result = summariseMarshalledCode(bytes);
          expect(result).to.be.an('object');
        },
      ),
      { numRuns: 300 },
    );
  });
});
