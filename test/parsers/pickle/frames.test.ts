/**
 * A11 — FRAME divergence. CPython reads frames three ways (see src/parsers/pickle/frames.ts);
 * each case was checked against CPython 3.11 with a find_class stand-in that imports nothing.
 */
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { analyse, anomalyCodes, asm, concat, importNames } from './helpers.js';

const dataDir = new URL('./data/', import.meta.url);
const hex = (b: string): Uint8Array => new Uint8Array(Buffer.from(b, 'hex'));
const divergences = (a: Awaited<ReturnType<typeof analyse>>) => a.anomalies.filter((x) => x.code === 'pickle/frame-divergence');

describe('pickle engine: FRAME (A11)', () => {
  it('benign framed pickles (protocol 4 and 5, several frames) have no divergence', async () => {
    for (const name of ['large-p4.pkl', 'large-p5.pkl']) {
      const a = await analyse(new Uint8Array(readFileSync(new URL(name, dataDir))));
      expect(a.anomalies, name).to.deep.equal([]);
    }
  });

  it('a string argument crossing the frame end: linear and io.BytesIO readings are both analysed', async () => {
    // FRAME(3) holds 8c 02 'o'; the linear reader takes 'os', io.BytesIO restarts the
    // 2-byte read at the frame end and takes "ge" (the next SHORT_BINUNICODE's bytes).
    const bytes = concat(
      asm().proto(4).frame(3).raw(0x8c, 2, 'o').build(), // frame content: SBU header + 1 byte
      asm().raw('s').sbu('json').sbu('dumps').op('STACK_GLOBAL', 'POP').raw(0x8c, 2).raw('osgetcwd').stop().build(),
    );
    const a = await analyse(bytes);
    const d = divergences(a);
    expect(d[0]!.message).to.match(/crosses the end of its frame.*pure-Python unpickler raises.*io\.BytesIO/);
    expect(d[0]!.detail).to.include({ frameEnd: 14, resumeAt: 14 });
    expect(d.some((x) => x.detail?.reading === 'frame-buffered')).to.equal(true);
  });

  it('a LONG1 crossing the frame end hides a STACK_GLOBAL only io.BytesIO sees', async () => {
    // Verified: CPython over io.BytesIO looks up os.getcwd; over bytes it raises first.
    const bytes = concat(asm().proto(4).frame(3).raw(0x8a, 2, 1).build(), asm().raw(1, 0).op('POP').sbu('os').sbu('getcwd').op('STACK_GLOBAL').stop().build());
    const a = await analyse(bytes);
    expect(importNames(a)).to.deep.equal(['os.getcwd']);
    expect(a.imports[0]!.offset).to.equal(29);
    const fork = divergences(a).find((x) => x.detail?.reading === 'frame-buffered');
    expect(fork?.detail).to.include({ complete: true, newFindings: 1 });
    expect(anomalyCodes(a)).to.include('pickle/invalid-opcode'); // the linear reading breaks
  });

  it('a GLOBAL second line crossing the frame end is read from the frame end by io.BytesIO', async () => {
    const bytes = concat(asm().proto(4).frame(6).raw('cos\nge').build(), asm().raw('tcwd\n').op('POP').raw('cos\nprint\n').op('NONE').stop().build());
    const a = await analyse(bytes);
    // linear: os.getcwd; io.BytesIO: the second line is "tcwd", so os.tcwd
    expect(importNames(a)).to.include.members(['os.getcwd', 'os.tcwd']);
  });

  it('bytes data crossing the frame end is read linearly by every C reader (readinto)', async () => {
    const bytes = asm().proto(4).frame(3).raw(0x43, 4, 1, 2, 3, 4).op('POP').sbu('os').sbu('getcwd').op('STACK_GLOBAL').stop().build();
    const a = await analyse(bytes);
    expect(importNames(a)).to.deep.equal(['os.getcwd']);
    const d = divergences(a);
    expect(d).to.have.length(1); // only the pure-Python reader differs: no fork
    expect(d[0]!.message).to.not.match(/io\.BytesIO/);
  });

  it('a FRAME before the current frame is consumed', async () => {
    const fits = await analyse(asm().proto(4).frame(20).sbu('os').frame(6).sbu('getcwd').op('STACK_GLOBAL').stop().build());
    expect(divergences(fits)[0]!.message).to.match(/starts before the current frame.*pure-Python unpickler raises/);
    expect(importNames(fits)).to.include('os.getcwd');
    // Longer than what is left: io.BytesIO continues at the outer frame end (verified: it
    // then raises "could not find MARK" on the 'o' there).
    const skips = await analyse(concat(asm().proto(4).frame(13).op('NONE').frame(50).build(), asm().op('POP').sbu('os').sbu('getcwd').op('STACK_GLOBAL').stop().build(), new Uint8Array(40)));
    const fork = divergences(skips).find((x) => x.detail?.reading === 'frame-buffered');
    expect(fork?.detail).to.include({ resumeAt: 24, complete: false, breakCode: 'pickle/missing-mark' });
  });

  it('a frame longer than the data: C raises, pure Python reads on (analysis reads on)', async () => {
    const a = await analyse(asm().proto(4).frame(1000).sbu('os').sbu('getcwd').op('STACK_GLOBAL').stop().build());
    expect(importNames(a)).to.deep.equal(['os.getcwd']);
    expect(divergences(a)[0]!.message).to.match(/declares 1000 bytes but only 14 remain/);
  });

  it('a frame running past STOP moves where a file reader starts the next load()', async () => {
    const bytes = concat(asm().proto(4).frame(10).op('NONE').stop().build(), asm().proto(4).sbu('os').sbu('getcwd').op('STACK_GLOBAL').stop().build());
    const a = await analyse(bytes);
    expect(importNames(a)).to.deep.equal(['os.getcwd']);
    expect(divergences(a).some((x) => /runs on to offset 21/.test(x.message))).to.equal(true);
  });

  describe('differential cases against CPython (data/frame-cases.json)', () => {
    const cases = JSON.parse(readFileSync(new URL('frame-cases.json', dataDir), 'utf8')) as Array<{ hex: string; lookups: Record<string, string[]> }>;
    it(`names everything any CPython reader looked up, in all ${cases.length} cases`, async () => {
      for (const c of cases) {
        const a = await analyse(hex(c.hex));
        const named = new Set(importNames(a));
        for (const [reader, seen] of Object.entries(c.lookups)) {
          for (const s of seen) expect(named.has(s), `${reader} looked up ${s} in ${c.hex}`).to.equal(true);
        }
      }
    });
  });
});
