/** The opcode table, the text decoders, the anomaly-code list and the data files. */
import { readFileSync, readdirSync } from 'node:fs';
import { expect } from 'chai';
import { DEFAULT_PICKLE_BUDGETS, PICKLE_ANOMALY_CODES } from '../../../src/parsers/pickle/index.js';
import { mapPython2Name } from '../../../src/parsers/pickle/compat.js';
import { deserializerKind } from '../../../src/parsers/pickle/deserializers.js';
import { OPCODES } from '../../../src/parsers/pickle/opcodes.js';
import { decodeBytesEscapes, decodeRawUnicodeEscape, parsePythonFloat, parsePythonInt } from '../../../src/parsers/pickle/text.js';

describe('pickle engine: tables and decoders', () => {
  it('knows all 68 opcodes of protocols 0–5 and nothing else', () => {
    const known = OPCODES.filter((o) => o !== undefined);
    expect(known).to.have.length(68);
    expect(new Set(known.map((o) => o!.name)).size).to.equal(68);
    expect(OPCODES[0x95]).to.include({ name: 'FRAME', arg: 'frame8', proto: 4 });
    expect(OPCODES[0x98]).to.include({ name: 'READONLY_BUFFER', proto: 5 });
    expect(OPCODES[0x00]).to.equal(undefined);
    expect(OPCODES[0x99]).to.equal(undefined);
  });

  it('parses Python int and float literals as INT/LONG/FLOAT do', () => {
    expect(parsePythonInt('42')).to.equal(42);
    expect(parsePythonInt(' -0x1F ')).to.equal(-31);
    expect(parsePythonInt('1_000')).to.equal(1000);
    expect(parsePythonInt('123456789012345678901234567890')).to.equal(123456789012345678901234567890n);
    expect(parsePythonInt('12a')).to.equal(null);
    expect(parsePythonFloat('1.5e3')).to.equal(1500);
    expect(parsePythonFloat('-inf')).to.equal(-Infinity);
    expect(Number.isNaN(parsePythonFloat('nan'))).to.equal(true);
    expect(parsePythonFloat('.5')).to.equal(0.5);
    expect(parsePythonFloat('1.')).to.equal(1);
    expect(parsePythonFloat('e5')).to.equal(null);
  });

  it('decodes STRING escapes and UNICODE raw-unicode-escape', () => {
    const esc = decodeBytesEscapes(new TextEncoder().encode('a\\n\\x41\\101\\q'));
    expect(Array.from(esc.bytes)).to.deep.equal([0x61, 0x0a, 0x41, 0x41, 0x5c, 0x71]);
    expect(esc.ok).to.equal(true);
    expect(decodeBytesEscapes(new TextEncoder().encode('\\x4')).ok).to.equal(false);
    expect(decodeRawUnicodeEscape(Uint8Array.from([0x5c, 0x75, 0x30, 0x30, 0x65, 0x39, 0xe9])).text).to.equal('éé');
  });

  it('maps Python 2 names like _compat_pickle, only below protocol 3', () => {
    expect(mapPython2Name('__builtin__', 'eval', 2)).to.deep.equal({ module: 'builtins', name: 'eval' });
    expect(mapPython2Name('__builtin__', 'xrange', 0)).to.deep.equal({ module: 'builtins', name: 'range' });
    expect(mapPython2Name('copy_reg', '_reconstructor', 2)).to.deep.equal({ module: 'copyreg', name: '_reconstructor' });
    expect(mapPython2Name('__builtin__', 'eval', 3)).to.equal(null);
    expect(mapPython2Name('os', 'system', 0)).to.equal(null);
  });

  it('lists nested deserializers with their kind', () => {
    expect(deserializerKind('pickle', 'loads')).to.equal('pickle');
    expect(deserializerKind('torch', 'load')).to.equal('container');
    expect(deserializerKind('marshal', 'loads')).to.equal('marshal');
    expect(deserializerKind('json', 'loads')).to.equal(undefined);
  });

  it('every anomaly code the engine can emit is documented', () => {
    const dir = new URL('../../../src/parsers/pickle/', import.meta.url);
    const used = new Set<string>();
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.ts') && n !== 'anomalies.ts')) {
      for (const m of readFileSync(new URL(f, dir), 'utf8').matchAll(/'(pickle\/[a-z-]+)'/g)) used.add(m[1]!);
    }
    expect(used.size).to.be.greaterThan(10);
    for (const code of used) expect(PICKLE_ANOMALY_CODES, code).to.have.property(code);
  });

  it('default budgets', () => {
    expect(DEFAULT_PICKLE_BUDGETS).to.include({ maxOpcodes: 10_000_000, maxMemo: 1_000_000, maxStackDepth: 1_000_000, maxNesting: 4, maxStreams: 64, maxResyncBytes: 16 * 1024 * 1024 });
  });
});
