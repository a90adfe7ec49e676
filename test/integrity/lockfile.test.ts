import { expect } from 'chai';
import fc from 'fast-check';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lockfileProblems } from '../../src/integrity/lockfile-schema.js';
import { findLockfile, mergeLockfile, parseLockfile, readLockfile, serialiseLockfile, writeLockfile } from '../../src/integrity/lockfile.js';
import type { LockedModel, Lockfile } from '../../src/integrity/types.js';
import { UsageError } from '../../src/util/errors.js';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
const COMMIT = '0123456789abcdef0123456789abcdef01234567';

const local = (path: string, files: Array<[string, number, string]>): LockedModel => ({
  source: { type: 'local', path },
  files: files.map(([p, size, sha256]) => ({ path: p, size, sha256, from: 'local' as const })),
});
const hub = (repo: string, files: Array<[string, number, string]> = [['model.safetensors', 10, A]]): LockedModel => ({
  source: { type: 'hf', repo, repoType: 'model', revision: 'main', commit: COMMIT },
  files: files.map(([p, size, sha256]) => ({ path: p, size, sha256, from: 'hub-lfs' as const })),
});

describe('integrity: lockfile format', () => {
  it('serialises deterministically: models sorted Hub-first by repo then local by path, files by path, 2-space JSON, trailing newline, no timestamp', () => {
    const lock: Lockfile = { lockfileVersion: 1, models: [local('z', [['b.bin', 1, B], ['a.bin', 2, A]]), hub('org/zeta'), local('a', [['x', 3, A]]), hub('org/alpha')] };
    const text = serialiseLockfile(lock);
    expect(text.endsWith('}\n')).to.equal(true);
    expect(text).to.include('\n  "models": [\n    {\n      "source": {');
    const back = JSON.parse(text) as Lockfile;
    expect(back.models.map((m) => (m.source.type === 'hf' ? m.source.repo : m.source.path))).to.deep.equal(['org/alpha', 'org/zeta', 'a', 'z']);
    expect(back.models[3]!.files.map((f) => f.path)).to.deep.equal(['a.bin', 'b.bin']);
    expect(text).not.to.match(/time|date/i);
    // The same content in any order and with fields in any order gives the same bytes.
    const shuffled = JSON.parse(JSON.stringify(lock)) as Lockfile;
    shuffled.models.reverse();
    shuffled.models[0]!.files.reverse();
    expect(serialiseLockfile(shuffled)).to.equal(text);
  });

  it('merges: an entry replaces the one of the same source, the others are kept', () => {
    const existing: Lockfile = { lockfileVersion: 1, models: [local('m', [['a', 1, A]]), hub('org/x'), local('keep', [['k', 1, A]])] };
    const merged = mergeLockfile(existing, [local('m', [['a', 1, B], ['b', 2, B]]), hub('org/x', [['w', 5, B]])]);
    expect(merged.models).to.have.length(3);
    const m = merged.models.find((x) => x.source.type === 'local' && x.source.path === 'm')!;
    expect(m.files.map((f) => f.sha256)).to.deep.equal([B, B]);
    expect(merged.models.find((x) => x.source.type === 'hf')!.files[0]!.path).to.equal('w');
    expect(merged.models.some((x) => x.source.type === 'local' && x.source.path === 'keep')).to.equal(true);
  });

  it('accepts what it writes', () => {
    const lock: Lockfile = { lockfileVersion: 1, models: [hub('gpt2'), local('.', [['dir/x.bin', 0, A]]), local('../sibling', [['y', 1, B]])] };
    expect(lockfileProblems(JSON.parse(serialiseLockfile(lock)))).to.deep.equal([]);
  });

  const broken: Array<[string, unknown, RegExp]> = [
    ['a digest that is not 64 hex', { lockfileVersion: 1, models: [local('m', [['a', 1, 'abc']])] }, /sha256.*must match pattern/],
    ['an upper-case digest', { lockfileVersion: 1, models: [local('m', [['a', 1, A.toUpperCase()]])] }, /sha256/],
    ['a file path that climbs out', { lockfileVersion: 1, models: [local('m', [['../etc/passwd', 1, A]])] }, /files\/0\/path/],
    ['an absolute file path', { lockfileVersion: 1, models: [local('m', [['/etc/passwd', 1, A]])] }, /files\/0\/path/],
    ['a backslash path', { lockfileVersion: 1, models: [local('m', [['a\\..\\b', 1, A]])] }, /files\/0\/path/],
    ['a dot segment', { lockfileVersion: 1, models: [local('m', [['a/./b', 1, A]])] }, /files\/0\/path/],
    ['an absolute model path', { lockfileVersion: 1, models: [local('/abs', [['a', 1, A]])] }, /source\/path/],
    ['a short commit', { lockfileVersion: 1, models: [{ ...hub('org/x'), source: { ...hub('org/x').source, commit: 'abc123' } }] }, /commit/],
    ['an unknown source type', { lockfileVersion: 1, models: [{ source: { type: 's3', path: 'x' }, files: [] }] }, /type.*must be one of/],
    ['a negative size', { lockfileVersion: 1, models: [local('m', [['a', -1, A]])] }, /size/],
    ['another version', { lockfileVersion: 2, models: [] }, /lockfileVersion.*must be 1/],
    ['an unknown top-level key', { lockfileVersion: 1, models: [], extra: 1 }, /unknown property 'extra'/],
    ['a file listed twice', { lockfileVersion: 1, models: [local('m', [['a', 1, A], ['a', 1, B]])] }, /'a' is listed twice/],
    ['two entries for one source', { lockfileVersion: 1, models: [local('m', []), local('m', [])] }, /a second entry for local:m/],
    ['an array', [], /must be object/],
  ];
  for (const [name, data, pattern] of broken) {
    it(`rejects ${name}`, () => {
      const problems = lockfileProblems(data);
      expect(problems.join('; ')).to.match(pattern);
    });
  }

  it('parse errors are one-line UsageErrors naming the file', () => {
    const fail = (text: string): string => {
      try {
        parseLockfile(text, 'modelvet.lock.json');
      } catch (err) {
        expect(err).to.be.instanceOf(UsageError);
        return (err as Error).message;
      }
      throw new Error('expected an error');
    };
    const notJson = fail('{\n<<<<<<< HEAD\n}');
    expect(notJson).to.match(/^modelvet\.lock\.json is not a valid lockfile: /);
    expect(notJson).not.to.include('\n');
    expect(fail('{"lockfileVersion":1,"models":[{"source":{"type":"local","path":"m"},"files":[{"path":"a","size":1,"sha256":"zz","from":"local"}]}]}')).to.match(
      /^modelvet\.lock\.json is not a valid lockfile: \/models\/0\/files\/0\/sha256: must match pattern/,
    );
  });

  it('hostile keys do not pollute prototypes', () => {
    const text = '{"lockfileVersion":1,"models":[],"__proto__":{"polluted":true}}';
    expect(() => parseLockfile(text)).to.throw(UsageError, /unknown property '__proto__'/);
    expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
  });

  it('property: any JSON value is judged without throwing, and only lockfiles pass', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 5 }), (value) => {
        const problems = lockfileProblems(value);
        expect(problems).to.be.an('array');
        if (problems.length === 0) expect((value as Lockfile).lockfileVersion).to.equal(1);
      }),
      { numRuns: 200 },
    );
  });

  describe('on disk', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'modelvet-lockfile-'));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('writes only when the bytes change, and reads back what it wrote', () => {
      const file = join(dir, 'modelvet.lock.json');
      const lock: Lockfile = { lockfileVersion: 1, models: [local('m', [['a', 1, A]])] };
      expect(writeLockfile(file, lock)).to.equal(true);
      const first = readFileSync(file, 'utf8');
      expect(writeLockfile(file, lock)).to.equal(false);
      expect(readFileSync(file, 'utf8')).to.equal(first);
      expect(readLockfile(file)).to.deep.equal(JSON.parse(first));
    });

    it('refuses to write an invalid lockfile', () => {
      const bad = { lockfileVersion: 1, models: [local('m', [['a', 1, 'nope']])] } as Lockfile;
      expect(() => writeLockfile(join(dir, 'x.json'), bad)).to.throw(UsageError, /refusing to write an invalid lockfile/);
    });

    it('is found upward from a folder, like the config', () => {
      writeFileSync(join(dir, 'modelvet.lock.json'), '{}');
      const deep = mkdtempSync(join(dir, 'a-'));
      expect(findLockfile(deep)).to.equal(join(dir, 'modelvet.lock.json'));
    });
  });
});
