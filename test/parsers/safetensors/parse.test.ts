/**
 * The header validator on hand-built files: each violation gives its code (and only the codes
 * it should), each valid variant none. The crate's behaviour these follow was checked against
 * safetensors 0.8.0 on in-memory copies (see make_safetensors.py).
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { CODES } from '../../../src/parsers/safetensors/codes.js';
import { MAX_LISTED_TENSORS } from '../../../src/parsers/safetensors/parse.js';
import { analyseReader } from '../../../src/engine/analyse.js';
import { fileReader } from '../../../src/sources/readers.js';
import { codes, countingReader, parse, stFile, t } from './helpers.js';

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`../../fixtures/${name}`, import.meta.url)));
const enc = new TextEncoder();

/** Two F32 tensors tiling 8 + 16 bytes. */
const GOOD = { __metadata__: { format: 'pt' }, a: t('F32', [2], 0, 8), b: t('F32', [2, 2], 8, 24) };

async function only(bytes: Uint8Array, ...expected: string[]): Promise<Awaited<ReturnType<typeof parse>>> {
  const r = await parse(bytes);
  expect(codes(r), r.anomalies.map((a) => a.message).join('\n')).to.deep.equal(expected);
  return r;
}

describe('safetensors header validator', () => {
  describe('files the libraries wrote', () => {
    for (const name of ['benign/safetensors/torch-state-dict.safetensors', 'benign/safetensors/numpy.safetensors', 'benign/safetensors/empty.safetensors', 'benign/transformers-bert-tiny/model.safetensors']) {
      it(name, async () => {
        const r = await only(fixture(name));
        expect(r.info.parameterCount).to.be.a('number');
        expect(r.info.headerLength % 8).to.equal(0);
      });
    }

    it('records what the BOM needs: counts, dtypes, metadata, tensors in offset order', async () => {
      const r = await only(fixture('benign/safetensors/torch-state-dict.safetensors'));
      expect(r.info.tensorCount).to.equal(11);
      expect(r.info.dtypes).to.deep.equal(['BF16', 'BOOL', 'F16', 'F32', 'F4', 'F8_E4M3', 'F8_E5M2', 'I64', 'I8']);
      expect({ ...r.info.metadata }).to.deep.equal({ format: 'pt' });
      // 12 + 4 + 10 + 3 + 3 + 3 + 4 + 2 + 8 (packed F4: 4 bytes hold 8) + 1 + 0
      expect(r.info.parameterCount).to.equal(12 + 4 + 10 + 3 + 3 + 3 + 4 + 2 + 8 + 1 + 0);
      const begins = r.info.tensors.map((x) => x.begin);
      expect(begins).to.deep.equal([...begins].sort((a, b) => a - b));
      expect(r.info.tensors.find((x) => x.name === 'packed.f4')).to.deep.include({ dtype: 'F4', shape: [8] });
      expect(r.info.dataLength).to.equal(r.info.tensors.at(-1)!.end);
    });
  });

  describe('valid variants', () => {
    const valid: Array<[string, Uint8Array]> = [
      ['an empty header "{}" padded with spaces', stFile('{}', 0, { pad: true })],
      ['metadata only', stFile({ __metadata__: { k: 'v' } })],
      ['metadata null (serde reads it as absent)', stFile({ __metadata__: null })],
      ['entries in any order', stFile({ b: t('F32', [2, 2], 8, 24), a: t('F32', [2], 0, 8) }, 24)],
      ['a scalar (shape [])', stFile({ s: t('F64', [], 0, 8) }, 8)],
      ['empty tensors sharing an offset', stFile({ e1: t('U8', [0], 0, 0), e2: t('F32', [3, 0], 0, 0), x: t('U8', [1], 0, 1) }, 1)],
      ['F4 packs two per byte', stFile({ f: t('F4', [2, 3], 0, 3) }, 3)],
      ['F6 packs four in three bytes', stFile({ f: t('F6_E3M2', [4], 0, 3) }, 3)],
      ['C64, F8_E8M0, F8_E4M3FNUZ', stFile({ c: t('C64', [1], 0, 8), e: t('F8_E8M0', [2], 8, 10), z: t('F8_E4M3FNUZ', [2], 10, 12) }, 12)],
      ['a huge dimension times zero', stFile({ z: t('U8', [0, 9007199254740991], 0, 0) })],
      ['whitespace inside the JSON', stFile('{ "a" : { "dtype" : "U8" ,\n "shape" : [ 1 ] , "data_offsets" : [ 0 , 1 ] } }', 1)],
      ['names that are Object.prototype members', stFile({ constructor: t('U8', [1], 0, 1), hasOwnProperty: t('U8', [1], 1, 2), toString: t('U8', [1], 2, 3) }, 3)],
      ['an empty tensor name', stFile({ '': t('U8', [1], 0, 1) }, 1)],
      ['unicode names, escaped and raw', stFile('{"\\u00e9":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"😀":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}}', 2)],
    ];
    for (const [name, bytes] of valid) it(name, () => only(bytes));
  });

  describe('the length prefix and the header bytes', () => {
    it('a file shorter than the prefix', async () => {
      const r = await only(new Uint8Array(5), CODES.fileTooSmall);
      expect(r.anomalies[0]!.message).to.match(/^not a valid safetensors file: it is 5 bytes/);
    });
    it('a header length past the 100 MB cap', async () => {
      const r = await only(stFile('{}', 0, { declared: 1n << 63n }), CODES.headerTooLarge);
      expect(r.anomalies[0]!.message).to.include('9223372036854775808 bytes, more than the 100000000');
    });
    it('a header length past the end of the file', async () => {
      const r = await only(stFile('{}', 0, { declared: 100n }), CODES.headerLength);
      expect(r.anomalies[0]!.message).to.include('runs past the end of the 10-byte file');
    });
    it('a header over the configured JSON limit is not analysed', async () => {
      const r = await parse(stFile(GOOD, 24), 16);
      expect(codes(r)).to.deep.equal([CODES.headerOverLimit]);
      expect(r.anomalies[0]!.message).to.match(/larger than the 16-byte limit/);
      expect(r.info.parameterCount).to.equal(undefined);
    });
    it('a zero-length header', () => only(stFile(''), CODES.invalidJson));
    it('invalid UTF-8, located', async () => {
      // 0xc3 starts a two-byte sequence; 0x28 "(" cannot continue it.
      const r = await only(stFile(new Uint8Array([...enc.encode('{"ab'), 0xc3, 0x28, ...enc.encode('":1}')])), CODES.invalidUtf8);
      expect(r.anomalies[0]!.offset).to.equal(8 + 4);
    });
    it('an overlong encoding is not UTF-8', () => only(stFile(new Uint8Array([0x7b, 0x22, 0xc0, 0xaf, 0x22, 0x3a, 0x31, 0x7d])), CODES.invalidUtf8));
    it('a UTF-8 byte order mark is not whitespace', () => only(stFile(new Uint8Array([0xef, 0xbb, 0xbf, 0x7b, 0x7d])), CODES.invalidJson));
    it('not JSON', async () => {
      const r = await only(stFile('{"a": {"dtype": '), CODES.invalidJson);
      expect(r.anomalies[0]!.message).to.match(/not valid JSON \(EOF while parsing a value at byte 24\)/);
    });
    it('NUL padding (serde rejects it as trailing characters)', () => only(stFile('{}\0\0'), CODES.invalidJson));
    it('whitespace before "{" (accepted by the crate, forbidden by the format)', () => only(stFile('\n{}'), CODES.headerStart));
    it('padding with a newline instead of spaces', async () => {
      const r = await only(stFile('{}  \n'), CODES.headerPadding);
      expect(r.anomalies[0]!.message).to.include('0x0a');
      expect(r.anomalies[0]!.offset).to.equal(8 + 4);
    });
    it('a header that is not an object', async () => {
      const r = await only(stFile('[{"a": 1}]'), CODES.headerNotObject);
      expect(r.anomalies[0]!.message).to.match(/the header is an array, not a JSON object/);
    });
    it('a header that is a string', () => only(stFile('"{}"'), CODES.headerNotObject));
  });

  describe('duplicate keys', () => {
    it('a tensor listed twice: reported, and the last entry is the one checked (as the crate keeps it)', async () => {
      const text = '{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"a":{"dtype":"U8","shape":[2],"data_offsets":[0,1]}}';
      const r = await only(stFile(text, 1), CODES.duplicateKey, CODES.sizeMismatch);
      expect(r.anomalies[0]!.message).to.equal('tensor "a" appears twice in the header; safetensors silently keeps the last entry while other readers may keep the first');
      expect(r.anomalies[0]!.offset).to.equal(8 + text.lastIndexOf('"a"'));
      expect(r.anomalies[1]!.message).to.include('shape [2], which needs 2 bytes');
      expect(r.info.tensorCount).to.equal(1);
    });
    it('keys equal after unescaping are duplicates', () =>
      only(stFile('{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"\\u0061":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}', 1), CODES.duplicateKey));
    it('__metadata__ twice (the crate refuses the file)', async () => {
      const r = await only(stFile('{"__metadata__":{"a":"b"},"__metadata__":{"a":"c"}}'), CODES.duplicateKey);
      expect(r.anomalies[0]!.message).to.match(/__metadata__ twice, so safetensors refuses/);
    });
    it('a field twice inside an entry', async () => {
      const r = await only(stFile('{"a":{"dtype":"U8","dtype":"I8","shape":[1],"data_offsets":[0,1]}}', 1), CODES.duplicateKey);
      expect(r.anomalies[0]!.message).to.equal('the key "dtype" appears twice in the entry of tensor "a"; JSON readers disagree on which one counts');
    });
    it('a key twice in __metadata__', () => only(stFile('{"__metadata__":{"k":"1","k":"2"}}'), CODES.duplicateKey));
  });

  describe('tensor entries', () => {
    it('an entry that is not an object', async () => {
      const r = await only(stFile({ a: 5 }), CODES.badEntry);
      expect(r.anomalies[0]!.message).to.match(/tensor "a" is the number 5, not an object/);
    });
    it('an entry written as an array (serde reads it positionally)', () => only(stFile({ a: ['U8', [1], [0, 1]] }, 1), CODES.positionalEntry));
    it('an array entry of the wrong length', () => only(stFile({ a: ['U8', [1]] }, 1), CODES.positionalEntry, CODES.badEntry));
    it('a missing field', async () => {
      const r = await only(stFile({ a: { dtype: 'U8', data_offsets: [0, 1] } }, 1), CODES.badEntry);
      expect(r.anomalies[0]!.message).to.match(/tensor "a" has no shape/);
    });
    it('an extra field', async () => {
      const r = await only(stFile({ a: { ...t('U8', [1], 0, 1), payload: 'echo modelvet' } }, 1), CODES.unexpectedField);
      expect(r.anomalies[0]!.message).to.include('("payload")');
    });
    it('a dtype that is not a string', () => only(stFile({ a: { ...t('U8', [1], 0, 1), dtype: { U8: null } } }, 1), CODES.badDtype));
    for (const dtype of ['F128', 'f32', 'float32', '']) {
      it(`unknown dtype ${JSON.stringify(dtype)}`, () => only(stFile({ a: t(dtype, [1], 0, 1) }, 1), CODES.unknownDtype));
    }
    const badShapes: Array<[string, string]> = [
      ['not a list', '"shape":4'],
      ['null', '"shape":null'],
      ['negative', '"shape":[-1]'],
      ['minus zero', '"shape":[-0]'],
      ['a float', '"shape":[1.0]'],
      ['an exponent', '"shape":[1e0]'],
      ['a string', '"shape":["1"]'],
      ['past u64', '"shape":[18446744073709551616]'],
      ['a thousand digits', `"shape":[${'9'.repeat(1000)}]`],
      ['past 2^53', '"shape":[9007199254740993, 0]'],
    ];
    for (const [name, shape] of badShapes) {
      it(`a shape dimension that is ${name}`, () => only(stFile(`{"a":{"dtype":"U8",${shape},"data_offsets":[0,0]}}`), CODES.badShape));
    }
    const badOffsets: Array<[string, string]> = [
      ['three numbers', '[0,1,2]'],
      ['one number', '[1]'],
      ['an object', '{"0":0,"1":1}'],
      ['negative', '[-1,0]'],
      ['a float', '[0,1.5]'],
    ];
    for (const [name, offsets] of badOffsets) {
      it(`data_offsets that are ${name}`, () => only(stFile(`{"a":{"dtype":"U8","shape":[1],"data_offsets":${offsets}}}`, 1), CODES.badOffsets));
    }
  });

  describe('sizes', () => {
    it('element count × dtype size ≠ the offsets range', async () => {
      const r = await only(stFile({ w: t('F32', [2, 3], 0, 16) }, 16), CODES.sizeMismatch);
      expect(r.anomalies[0]!.message).to.equal('tensor "w" has F32 shape [2, 3], which needs 24 bytes, but its data_offsets [0, 16] span 16, so safetensors refuses to load the file');
      expect(r.info.parameterCount).to.equal(undefined);
    });
    it('an element count past 64 bits', () => only(stFile({ w: t('U8', [9007199254740991, 9007199254740991], 0, 0) }), CODES.shapeOverflow));
    it('a byte size past 64 bits', () => only(stFile({ w: t('F64', [2 ** 40, 2 ** 23], 0, 0) }), CODES.shapeOverflow));
    it('sub-byte tensors must end on a byte boundary', async () => {
      await only(stFile({ f: t('F4', [3], 0, 2) }, 2), CODES.subByteMisaligned);
      await only(stFile({ f: t('F4', [], 0, 1) }, 1), CODES.subByteMisaligned);
      await only(stFile({ f: t('F6_E2M3', [3], 0, 3) }, 3), CODES.subByteMisaligned);
    });
  });

  describe('the data section', () => {
    it('offsets that end before they begin', () => only(stFile({ a: t('U8', [0], 2, 0) }, 2), CODES.offsetsReversed, CODES.trailingData));
    it('a gap before the first tensor', async () => {
      const r = await only(stFile({ a: t('U8', [2], 4, 6) }, 6), CODES.offsetsGap);
      expect(r.anomalies[0]!.message).to.include('leaving bytes 0–4 unused');
    });
    it('a gap between tensors', () => only(stFile({ a: t('U8', [2], 0, 2), b: t('U8', [2], 4, 6) }, 6), CODES.offsetsGap));
    it('overlapping tensors', async () => {
      const r = await only(stFile({ a: t('U8', [4], 0, 4), b: t('U8', [4], 2, 6) }, 6), CODES.offsetsOverlap);
      expect(r.anomalies[0]!.message).to.match(/tensor "b" has data_offsets \[2, 6\] that overlap tensor "a"/);
    });
    it('two tensors on the same bytes', () => only(stFile({ a: t('U8', [4], 0, 4), b: t('U8', [4], 0, 4) }, 4), CODES.offsetsOverlap));
    it('a tensor past the end of the file', async () => {
      const r = await only(stFile({ a: t('U8', [4], 0, 4) }, 2), CODES.offsetsOutOfBounds);
      expect(r.anomalies[0]!.message).to.include('end past the 2-byte data section');
    });
    it('offsets near u64::MAX', () => only(stFile('{"a":{"dtype":"U8","shape":[0],"data_offsets":[18446744073709551615,18446744073709551615]}}'), CODES.offsetsGap, CODES.offsetsOutOfBounds));
    it('bytes after the last tensor', async () => {
      const r = await only(stFile({ a: t('U8', [2], 0, 2) }, 10), CODES.trailingData);
      expect(r.anomalies[0]!.message).to.match(/^8 bytes after the last tensor are not covered/);
    });
    it('data with no tensors at all', () => only(stFile('{}', 4), CODES.trailingData));
    it('an invalid entry stops the coverage check (no cascade)', () => only(stFile({ a: t('U8', [2], 0, 2), b: t('X', [2], 2, 4) }, 9), CODES.unknownDtype));
  });

  describe('__metadata__', () => {
    it('a value that is not a string', async () => {
      const r = await only(stFile({ __metadata__: { format: 'pt', epochs: 3 } }), CODES.badMetadata);
      expect(r.anomalies[0]!.message).to.equal('__metadata__ entry "epochs" is the number 3, not a string, so safetensors refuses to load the file');
    });
    it('a nested object', () => only(stFile({ __metadata__: { a: { b: 'c' } } }), CODES.badMetadata));
    it('not an object', () => only(stFile({ __metadata__: 'x' }), CODES.badMetadata));
    it('hostile keys stay data', async () => {
      const r = await only(stFile('{"__metadata__":{"__proto__":"x","constructor":"y"}}'));
      expect(Object.keys(r.info.metadata)).to.deep.equal(['__proto__', 'constructor']);
      expect(r.info.metadata['__proto__']).to.equal('x');
      expect(({} as Record<string, unknown>).x).to.equal(undefined);
    });
  });

  describe('hostile tensor names', () => {
    it('"__proto__" is validated like any other tensor', async () => {
      const r = await only(stFile({ ['__proto__']: t('F32', [2], 0, 4) } as never, 4), CODES.prototypeName, CODES.sizeMismatch);
      expect(r.anomalies[1]!.message).to.match(/^tensor "__proto__" has F32 shape \[2\], which needs 8 bytes/);
    });
    it('a valid "__proto__" tensor gets only the advice, and counts', async () => {
      const r = await only(fixture('benign/safetensors/proto-name.safetensors'), CODES.prototypeName);
      expect(r.info.tensors.map((x) => x.name).sort()).to.deep.equal(['__proto__', 'constructor']);
      expect(r.info.parameterCount).to.equal(3);
      expect(Object.getPrototypeOf({})).to.equal(Object.prototype);
    });
    it('names with control characters are quoted in messages', async () => {
      const r = await only(stFile({ 'a\nb': t('X', [1], 0, 1) }, 1), CODES.unknownDtype);
      expect(r.anomalies[0]!.message).to.include('tensor "a\\nb"');
    });
  });

  describe('caps', () => {
    it('lists at most 100 violations and counts the rest', async () => {
      const header: Record<string, unknown> = {};
      for (let i = 0; i < 500; i++) header[`t${i}`] = t('NOPE', [1], i, i + 1);
      const r = await parse(stFile(header, 500));
      expect(r.anomalies).to.have.length(101);
      expect(r.anomalies.at(-1)).to.deep.include({ code: CODES.anomalyLimit, message: '400 further violations were found and not listed' });
    });
    it(`lists the first ${MAX_LISTED_TENSORS} tensors and validates them all`, async () => {
      const header: Record<string, unknown> = {};
      for (let i = 0; i <= MAX_LISTED_TENSORS; i++) header[`t${i}`] = t('U8', [1], i, i + 1);
      const r = await only(stFile(header, MAX_LISTED_TENSORS + 1));
      expect(r.info.tensorCount).to.equal(MAX_LISTED_TENSORS + 1);
      expect(r.info.tensors).to.have.length(MAX_LISTED_TENSORS);
      expect(r.info.tensorsTruncated).to.equal(true);
      expect(r.info.parameterCount).to.equal(MAX_LISTED_TENSORS + 1);
      expect(r.tensorNames).to.have.length(MAX_LISTED_TENSORS + 1);
    });
    it('a header of a million values is refused as over the limit, not held in memory', async () => {
      const r = await only(stFile(`{"__metadata__":[${'0,'.repeat(1_100_000)}0]}`), CODES.headerOverLimit);
      expect(r.anomalies[0]!.message).to.match(/more than 1000000 JSON values/);
    });
  });

  it('reads only the header: a multi-MB file costs less than 64 KiB of reads', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'modelvet-st-'));
    try {
      const path = join(dir, 'big.safetensors');
      const elements = 1024 * 1024;
      const header: Record<string, unknown> = { __metadata__: { format: 'pt' } };
      for (let i = 0; i < 8; i++) header[`layer.${i}`] = t('F32', [elements], i * elements * 4, (i + 1) * elements * 4);
      const head = stFile(header, 0, { pad: true });
      const fh = await open(path, 'w');
      await fh.write(head, 0, head.length, 0);
      await fh.truncate(head.length + 8 * elements * 4); // 32 MiB, a sparse hole
      await fh.close();
      const file = await fileReader(path);
      try {
        const counted = countingReader(file);
        const artifact = await analyseReader(counted, 'big.safetensors', 0, undefined, { file: { absolutePath: path } });
        expect(artifact.format).to.equal('safetensors');
        expect(artifact.anomalies).to.deep.equal([]);
        expect(counted.size).to.be.greaterThan(32 * 1024 * 1024);
        expect(counted.bytesRead).to.be.lessThan(64 * 1024);
      } finally {
        await file.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
