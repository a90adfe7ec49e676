import { expect } from 'chai';
import fc from 'fast-check';
import { LFS_POINTER_MAX_BYTES, parseLfsPointer } from '../../src/git/lfs-pointer.js';
import { lfsPointer, sha256 } from './git-repo.js';

const OID = sha256('model');
const parse = (text: string) => parseLfsPointer(Buffer.from(text, 'utf8'));

describe('Git LFS pointer parsing (as git-lfs smudge reads it)', () => {
  it('reads the pointer git-lfs writes', () => {
    expect(parse(lfsPointer(OID, 12345))).to.deep.equal({ version: 'https://git-lfs.github.com/spec/v1', oid: OID, size: 12345, extensions: [] });
  });

  it('accepts what git-lfs accepts: older version names, CRLF, surrounding white space, blank lines, no final newline', () => {
    for (const text of [
      lfsPointer(OID, 5).replace('https://git-lfs.github.com/spec/v1', 'https://hawser.github.com/spec/v1'),
      lfsPointer(OID, 5).replace('https://git-lfs.github.com/spec/v1', 'http://git-media.io/v/2'),
      lfsPointer(OID, 5).replace(/\n/g, '\r\n'),
      `\n\n  ${lfsPointer(OID, 5)}\n\t\n`,
      lfsPointer(OID, 5).replace('\noid', '\n\n\noid'),
      lfsPointer(OID, 5).trimEnd(),
    ]) {
      expect(parse(text), JSON.stringify(text)).to.deep.include({ oid: OID, size: 5 });
    }
  });

  it('reads extension lines, sorted by priority', () => {
    const a = sha256('a');
    const b = sha256('b');
    const text = `version https://git-lfs.github.com/spec/v1\next-1-second sha256:${b}\next-0-first-name sha256:${a}\noid sha256:${OID}\nsize 7\n`;
    expect(parse(text)?.extensions).to.deep.equal([
      { name: 'first-name', priority: 0, oid: a },
      { name: 'second', priority: 1, oid: b },
    ]);
  });

  it('refuses everything else: it is then an ordinary file', () => {
    const cases: Record<string, string> = {
      'unknown version': lfsPointer(OID, 5).replace('spec/v1', 'spec/v2'),
      'short oid': lfsPointer(OID.slice(1), 5),
      'upper-case oid': lfsPointer(OID.toUpperCase(), 5),
      'other hash': lfsPointer(OID, 5).replace('sha256:', 'sha512:'),
      'oid with trailing text': lfsPointer(`${OID}x`, 5),
      'size before oid': `version https://git-lfs.github.com/spec/v1\nsize 5\noid sha256:${OID}\n`,
      'version not first': `oid sha256:${OID}\nversion https://git-lfs.github.com/spec/v1\nsize 5\n`,
      'missing size': `version https://git-lfs.github.com/spec/v1\noid sha256:${OID}\n`,
      'negative size': lfsPointer(OID, 5).replace('size 5', 'size -5'),
      'size out of int64': lfsPointer(OID, 5).replace('size 5', 'size 9223372036854775808'),
      'size not decimal': lfsPointer(OID, 5).replace('size 5', 'size 0x5'),
      'extra line': `${lfsPointer(OID, 5)}extra value\n`,
      'tab separator': lfsPointer(OID, 5).replace('size 5', 'size\t5'),
      'key without value': lfsPointer(OID, 5).replace('size 5', 'size'),
      'unknown key between': lfsPointer(OID, 5).replace('\noid', '\ncustom x\noid'),
      'duplicate extension priority': `version https://git-lfs.github.com/spec/v1\next-0-a sha256:${OID}\next-0-b sha256:${OID}\noid sha256:${OID}\nsize 5\n`,
      'extension with bad oid': `version https://git-lfs.github.com/spec/v1\next-0-a sha256:xyz\noid sha256:${OID}\nsize 5\n`,
      'empty': '',
      'prose mentioning git-lfs': 'This model is stored with git-lfs.\n',
    };
    for (const [name, text] of Object.entries(cases)) expect(parse(text), name).to.equal(undefined);
  });

  it('reads nothing of 1024 bytes or more as a pointer, as git-lfs does', () => {
    const pointer = lfsPointer(OID, 5);
    const padded = (n: number) => `${pointer}${'\n'.repeat(n - pointer.length)}`;
    expect(parse(padded(LFS_POINTER_MAX_BYTES - 1))).to.deep.include({ oid: OID });
    expect(parse(padded(LFS_POINTER_MAX_BYTES))).to.equal(undefined);
  });

  it('never throws on mutated or truncated pointers, and whatever it accepts is well formed', () => {
    const base = Buffer.from(`version https://git-lfs.github.com/spec/v1\next-0-x sha256:${OID}\noid sha256:${OID}\nsize 12345\n`);
    const mutated = fc.tuple(fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }), fc.nat({ max: base.length })).map(([edits, cut]) => {
      const copy = Buffer.from(base.subarray(0, cut));
      for (const [at, byte] of edits) if (copy.length > 0) copy[at % copy.length] = byte;
      return copy;
    });
    fc.assert(
      fc.property(fc.oneof(mutated, fc.uint8Array({ maxLength: 1100 })), (bytes) => {
        const pointer = parseLfsPointer(bytes);
        if (pointer === undefined) return;
        expect(pointer.oid).to.match(/^[0-9a-f]{64}$/);
        expect(Number.isFinite(pointer.size) && pointer.size >= 0).to.equal(true);
        for (const e of pointer.extensions) expect(e.oid).to.match(/^[0-9a-f]{64}$/);
      }),
      { numRuns: 300 },
    );
  });
});
