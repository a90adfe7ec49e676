/** sniffPickle: content detection without the file name (C46/C47: a protocol-0 pickle in payload.txt). */
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import fc from 'fast-check';
import { sniffPickle } from '../../../src/parsers/pickle/index.js';
import { asm } from './helpers.js';

const dataDir = new URL('./data/', import.meta.url);
const text = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('sniffPickle', () => {
  it('recognises real pickles of every protocol, from a 4 KiB head', () => {
    for (const name of ['small-p0.pkl', 'small-p1.pkl', 'small-p2.pkl', 'small-p3.pkl', 'small-p4.pkl', 'small-p5.pkl', 'large-p4.pkl', 'large-p5.pkl', 'legacy-torch.pt']) {
      const head = new Uint8Array(readFileSync(new URL(name, dataDir))).subarray(0, 4096);
      expect(sniffPickle(head).isPickle, name).to.equal(true);
    }
    expect(sniffPickle(new Uint8Array(readFileSync(new URL('small-p4.pkl', dataDir)))).protocol).to.equal(4);
  });

  it('recognises real pickles from heads cut at every length from 64 bytes up', () => {
    for (const name of ['small-p0.pkl', 'small-p1.pkl', 'small-p2.pkl', 'small-p4.pkl']) {
      const bytes = new Uint8Array(readFileSync(new URL(name, dataDir)));
      for (let n = 64; n <= Math.min(bytes.length, 700); n++) expect(sniffPickle(bytes.subarray(0, n), bytes.length).isPickle, `${name}[:${n}]`).to.equal(true);
    }
  });

  it('recognises hand-made protocol 0/1 payloads (payload.txt)', () => {
    expect(sniffPickle(text("cos\ngetcwd\n(tR.")).isPickle).to.equal(true);
    expect(sniffPickle(asm().str('os').str('getcwd').op('STACK_GLOBAL', 'EMPTY_TUPLE', 'REDUCE').stop().build()).isPickle).to.equal(true);
    expect(sniffPickle(text('(ibuiltins\nprint\n.')).isPickle).to.equal(true);
    expect(sniffPickle(text('N.')).isPickle).to.equal(true);
    expect(sniffPickle(text('I42\n.')).isPickle).to.equal(true);
    expect(sniffPickle(text(`V${'x'.repeat(5000)}`).subarray(0, 4096)).isPickle).to.equal(true); // a long first string
    const bigFirst = asm().raw('X', [0x00, 0x00, 0x10, 0x00]).raw('x'.repeat(5000)).build(); // 1 MiB str declared
    expect(sniffPickle(bigFirst.subarray(0, 4096)).isPickle).to.equal(true);
    expect(sniffPickle(bigFirst.subarray(0, 4096), 5000).isPickle).to.equal(false); // longer than the file
  });

  it('a payload followed by a parse error is still a pickle (the payload runs first)', () => {
    expect(sniffPickle(text('cos\ngetcwd\n(tR\x00\x00junk')).isPickle).to.equal(true);
    expect(sniffPickle(asm().proto(2).callGlobal('os', 'getcwd').raw(0xff).build()).isPickle).to.equal(true);
  });

  it('does not fire on ordinary text', () => {
    const samples = [
      '# modelvet\n\nA linter for model files.\n',
      'import os\nprint(os.getcwd())\n',
      'def f(x):\n    return x\n',
      'class Foo:\n    pass\n',
      '{"a": 1, "b": [1, 2, 3]}\n',
      'a,b,c\n1,2,3\n',
      'key: value\nlist:\n  - 1\n',
      'GIT v1.5.2.1 Release Notes\n==========\n',
      'Version 1.0\nCopyright (c) 2024\n',
      '(c) 2024 Example Corp\n',
      'N.B. this is a note\n',
      'Please read the license.\n',
      '#!/usr/bin/env python3\n',
      '',
      'x',
    ];
    for (const s of samples) expect(sniffPickle(text(s)).isPickle, JSON.stringify(s)).to.equal(false);
  });

  it('does not fire on common binary magics', () => {
    const magics = [
      [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d], // PNG
      [0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0, 0, 8, 0], // zip
      [0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0], // gzip
      [0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0], // ELF
      [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], // .npy
      [0x47, 0x47, 0x55, 0x46, 3, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0], // GGUF
      [0x42, 0x4d, 0x36, 0x0c, 0, 0, 0, 0, 0, 0, 0x36, 0, 0, 0], // BMP
    ];
    for (const m of magics) {
      const head = new Uint8Array(4096);
      head.set(m);
      for (let i = m.length; i < head.length; i++) head[i] = (i * 131 + 7) & 0xff;
      expect(sniffPickle(head).isPickle, m.map((x) => x.toString(16)).join(' ')).to.equal(false);
    }
  });

  it('random bytes rarely sniff as a pickle', () => {
    const samples = fc.sample(fc.uint8Array({ minLength: 16, maxLength: 4096 }), { numRuns: 3000, seed: 42 });
    const positives = samples.filter((s) => sniffPickle(s).isPickle).length;
    expect(positives / samples.length).to.be.below(0.005);
  });

  it('random ASCII text rarely sniffs as a pickle', () => {
    const line = fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,:;()[]{}\'"-_=+#/\\'), minLength: 0, maxLength: 80 });
    const doc = fc.array(line, { minLength: 1, maxLength: 40 }).map((lines) => text(lines.join('\n')));
    const samples = fc.sample(doc, { numRuns: 3000, seed: 7 });
    const positives = samples.filter((s) => sniffPickle(s).isPickle).length;
    expect(positives / samples.length).to.be.below(0.005);
  });

  it('real pickles of generated data always sniff (protocols 0–5)', async () => {
    // Byte sequences from the engine's own benign files, re-cut at random points.
    const files = ['small-p0.pkl', 'small-p1.pkl', 'small-p2.pkl', 'small-p3.pkl', 'small-p4.pkl', 'small-p5.pkl'].map((n) => new Uint8Array(readFileSync(new URL(n, dataDir))));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 16, max: 4096 }), (i, cut) => sniffPickle(files[i]!.subarray(0, cut), files[i]!.length).isPickle),
      { numRuns: 300, seed: 3 },
    );
  });
});
