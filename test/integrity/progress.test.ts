import { expect } from 'chai';
import { Writable } from 'node:stream';
import { shouldShowProgress, startProgress } from '../../src/integrity/progress.js';

/** A stderr stand-in that records what is written and claims to be (or not to be) a terminal. */
function fakeStream(isTTY: boolean): NodeJS.WriteStream & { text: string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      chunks.push(String(chunk));
      done();
    },
  }) as unknown as NodeJS.WriteStream & { text: string };
  Object.assign(stream, {
    isTTY,
    columns: 120,
    cursorTo: (_x: number, _y?: number, cb?: () => void) => (cb?.(), true),
    moveCursor: (_dx: number, _dy: number, cb?: () => void) => (cb?.(), true),
    clearLine: (_dir: number, cb?: () => void) => (cb?.(), true),
    clearScreenDown: (cb?: () => void) => (cb?.(), true),
  });
  Object.defineProperty(stream, 'text', { get: () => chunks.join('') });
  return stream;
}

const GiB = 1024 ** 3;

describe('integrity: progress bar', () => {
  it('is shown only on a terminal, outside CI, when enabled', () => {
    expect(shouldShowProgress({ isTTY: true }, {})).to.equal(true);
    expect(shouldShowProgress({ isTTY: false }, {})).to.equal(false);
    expect(shouldShowProgress({}, {})).to.equal(false);
    expect(shouldShowProgress({ isTTY: true }, { CI: 'true' })).to.equal(false);
    expect(shouldShowProgress({ isTTY: true }, { CI: '1' })).to.equal(false);
    expect(shouldShowProgress({ isTTY: true }, { CI: 'false' })).to.equal(true);
    expect(shouldShowProgress({ isTTY: true }, { TERM: 'dumb' })).to.equal(false);
    expect(shouldShowProgress({ isTTY: true }, {}, false)).to.equal(false);
  });

  it('writes nothing to a stream that is not a terminal, however long the work', () => {
    const stream = fakeStream(false);
    const p = startProgress({ totalBytes: 10 * GiB, label: 'hashing', stream, env: {} });
    p.add(GiB);
    p.stop();
    expect(stream.text).to.equal('');
  });

  it('draws at once for long work on a terminal, in plain text (no colour), and clears itself', () => {
    const stream = fakeStream(true);
    const p = startProgress({ totalBytes: 2 * GiB, label: 'hashing', stream, env: { NO_COLOR: '1' } });
    p.add(GiB);
    p.stop();
    expect(stream.text).to.match(/hashing \[#+-+\] \d+% \| \d+\/2048 MB/);
    expect(stream.text).not.to.match(/\x1b\[\d+m/); // no SGR colour codes
  });

  it('a short job on a terminal draws nothing (the bar waits a second)', () => {
    const stream = fakeStream(true);
    const p = startProgress({ totalBytes: 1024, label: 'hashing', stream, env: {} });
    p.add(1024);
    p.stop();
    expect(stream.text).to.equal('');
  });
});
