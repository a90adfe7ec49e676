/** Memory stays flat: large arguments are skipped, not read, and reads are bounded chunks. */
import { expect } from 'chai';
import { analysePickle } from '../../../src/parsers/pickle/index.js';
import { asm, concat, countingReader } from './helpers.js';

const MiB = 1024 * 1024;
const le8 = (n: number): number[] => Array.from({ length: 8 }, (_, i) => Math.floor(n / 2 ** (8 * i)) & 0xff);

describe('pickle engine: streaming', () => {
  it('a 5 MB BINBYTES8 is skipped without being read, in chunks of at most ~1 MiB', async () => {
    const size = 5 * MiB;
    const bytes = concat(asm().proto(4).raw(0x8e, le8(size)).build(), new Uint8Array(size), asm().op('POP').callGlobal('os', 'getcwd').stop().build());
    const reader = countingReader(bytes);
    const a = await analysePickle(reader);
    expect(a.imports.map((i) => `${i.module}.${i.name}`)).to.deep.equal(['os.getcwd']);
    expect(a.anomalies).to.deep.equal([]);
    expect(reader.maxChunk).to.be.at.most(MiB + 64 * 1024 * 2 + 64);
    expect(reader.bytesRead).to.be.below(2 * MiB + 4096);
  });

  it('a 3 MB BINUNICODE8 is not decoded; a STACK_GLOBAL on it is unresolved, not lost', async () => {
    const size = 3 * MiB;
    const bytes = concat(asm().proto(4).raw(0x8d, le8(size)).build(), new Uint8Array(size).fill(0x61), asm().sbu('getcwd').op('STACK_GLOBAL').stop().build());
    const reader = countingReader(bytes);
    const a = await analysePickle(reader);
    expect(a.unresolved[0]!.reason).to.match(/too long to analyse/);
    expect(reader.maxChunk).to.be.at.most(2 * MiB);
  });

  it('a long opcode-dense pickle is read in bounded chunks', async () => {
    const b = asm().proto(4);
    for (let i = 0; i < 300_000; i++) b.op('NONE', 'POP');
    const reader = countingReader(b.op('NONE').stop().build());
    const a = await analysePickle(reader);
    expect(a.streams[0]!.complete).to.equal(true);
    expect(reader.maxChunk).to.be.at.most(MiB);
    expect(reader.reads).to.be.at.most(3);
  });

  it('reader errors propagate (only I/O errors may throw)', async () => {
    const failing = { size: 100, read: async () => Promise.reject(new Error('disk on fire')) };
    let caught: unknown;
    try {
      await analysePickle(failing);
    } catch (err) {
      caught = err;
    }
    expect((caught as Error).message).to.equal('disk on fire');
  });

  it('a reader returning fewer bytes than its size is a truncation, not a hang', async () => {
    const bytes = asm().proto(2).callGlobal('os', 'getcwd').stop().build();
    const short = { size: bytes.length + 100, read: async (o: number, l: number) => bytes.subarray(o, Math.min(bytes.length, o + l)) };
    const a = await analysePickle(short);
    expect(a.imports).to.have.length(1);
  });
});
