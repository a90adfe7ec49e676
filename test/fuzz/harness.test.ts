/**
 * The fuzzer's own parts: the format walkers find the fields each loader trusts, mutations are
 * total and reproducible, the oracle catches every failure kind it claims to, and a campaign
 * finds, shrinks, de-duplicates and saves a planted bug.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, crc32 } from 'node:zlib';
import { expect } from 'chai';
import fc from 'fast-check';
import { readField, writeField } from './bytes.js';
import { replayRecipe, runCampaign } from './campaign.js';
import { familyById } from './families.js';
import { checksumOk } from './formats/tar.js';
import { mutateJson } from './json-tree.js';
import { build, recipeArbitrary, type Recipe } from './mutations.js';
import { loadRegressions, saveRegression } from './regressions.js';
import { OracleRunner } from './runner.js';
import { loadSeeds, MAX_SEED_BYTES, REPO } from './seeds.js';
import type { Field, FieldEncoding, Seed } from './types.js';

const fixture = (path: string) => new Uint8Array(readFileSync(join(REPO, 'test/fixtures', path)));
const target = (file: string) => new URL(`./targets/${file}`, import.meta.url).href;
const field = (fields: Field[], label: string) => fields.filter((f) => f.label === label);
const u32 = (b: Uint8Array, at: number) => new DataView(b.buffer, b.byteOffset).getUint32(at, true);

describe('fuzz harness: format walkers find the fields loaders trust', () => {
  it('zip: the EOCD points at the central directory, each central header at a local header, and a stored data.pkl is walked', () => {
    const b = fixture('benign/torch-state-dict.pt');
    const fields = familyById('zip').fields!(b);
    const [cd] = field(fields, 'eocd.cdOffset');
    expect([...b.subarray(Number(readField(b, cd!)), Number(readField(b, cd!)) + 4)]).to.deep.equal([0x50, 0x4b, 0x01, 0x02]);
    const locals = field(fields, 'central.localHeaderOffset').map((f) => Number(readField(b, f)));
    expect(locals.length).to.be.greaterThan(2);
    for (const at of locals) expect([...b.subarray(at, at + 4)]).to.deep.equal([0x50, 0x4b, 0x03, 0x04]);
    expect(fields.some((f) => /data\.pkl:.*\.length$/.test(f.label)), 'length prefixes inside data.pkl').to.equal(true);
  });

  it('safetensors: the length prefix covers the header, and a JSON mutation rewrites both', () => {
    const b = fixture('benign/safetensors/numpy.safetensors');
    const spec = familyById('safetensors');
    const n = Number(readField(b, spec.fields!(b)[0]!));
    expect(b[8]).to.equal(0x7b);
    expect(JSON.parse(Buffer.from(b.subarray(8, 8 + n)).toString())).to.be.an('object');
    const text = mutateJson(spec.json!.extract(b)!, { op: 'inject', at: 0, key: 0 })!;
    const out = spec.json!.rebuild(b, text);
    const m = Number(readField(out, spec.fields!(out)[0]!));
    const header = JSON.parse(Buffer.from(out.subarray(8, 8 + m)).toString()) as object;
    expect(Object.hasOwn(header, '__proto__'), 'an own __proto__ key').to.equal(true);
    expect(Buffer.from(out.subarray(8 + m)).equals(Buffer.from(b.subarray(8 + n))), 'tensor data kept').to.equal(true);
  });

  it('pickle: opcodes tile the stream from byte 0 to STOP, with the length prefixes found', () => {
    const b = fixture('benign/python-builtins-p4.pkl');
    const spec = familyById('pickle');
    const regions = spec.regions!(b);
    expect(regions[0]!.start).to.equal(0);
    regions.slice(1).forEach((r, i) => expect(r.start).to.equal(regions[i]!.end));
    expect(regions.at(-1)!.end).to.equal(b.length);
    expect(b[regions.at(-1)!.start]).to.equal(0x2e);
    expect(spec.fields!(b).map((f) => f.label)).to.include.members(['PROTO.arg', 'FRAME.arg', 'SHORT_BINUNICODE.length']);
  });

  it('gguf: version and counts in either byte order', () => {
    const [le, be] = ['benign/gguf/tiny-llama.gguf', 'benign/gguf/tiny-llama-big-endian.gguf'].map(fixture);
    const read = (b: Uint8Array) => familyById('gguf').fields!(b).map((f) => [f.label, f.label.endsWith('.length') ? 0n : readField(b, f)] as const);
    const l = read(le!), r = read(be!);
    expect(l[0]).to.deep.equal(['version', 3n]);
    expect(l.length).to.be.greaterThan(50);
    expect(r.slice(0, 3)).to.deep.equal(l.slice(0, 3));
  });

  it('protobuf: every length varint found is followed by that many bytes of the file', () => {
    const b = fixture('benign/onnx/tiny-mlp.onnx');
    const fields = familyById('protobuf').fields!(b);
    expect(fields.length).to.be.greaterThan(10);
    for (const f of fields) expect(f.offset + f.encoding.width + Number(readField(b, f))).to.be.at.most(b.length);
  });

  it('tar and 7z: the fixup restores the checksums their readers verify first', () => {
    const spec = familyById('tar');
    const tar = fixture('benign/archive/model.tar');
    const broken = tar.slice();
    writeField(broken, spec.fields!(broken)[0]!, 7n);
    expect(checksumOk(broken.subarray(0, 512))).to.equal(false);
    expect(checksumOk(spec.fixup!(broken).subarray(0, 512))).to.equal(true);

    const sz = familyById('7z');
    const seven = fixture('malicious/archive/payload.7z');
    expect(crc32(seven.subarray(12, 32)) >>> 0).to.equal(u32(seven, 8));
    const changed = seven.slice();
    writeField(changed, sz.fields!(changed)[1]!, 3n);
    expect(crc32(changed.subarray(12, 32)) >>> 0).not.to.equal(u32(changed, 8));
    const fixed = sz.fixup!(changed);
    expect(crc32(fixed.subarray(12, 32)) >>> 0).to.equal(u32(fixed, 8));
  });

  it('integer fields read back what was written, in every encoding', () => {
    const encoding: fc.Arbitrary<FieldEncoding> = fc.oneof(
      fc.record({ kind: fc.constant('uint' as const), width: fc.constantFrom<1 | 2 | 4 | 8>(1, 2, 4, 8), littleEndian: fc.boolean() }),
      fc.record({ kind: fc.constant('octal' as const), width: fc.constantFrom(8, 12) }),
      fc.record({ kind: fc.constant('varint' as const), width: fc.integer({ min: 1, max: 10 }) }),
    );
    fc.assert(
      fc.property(encoding, fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), (e, value) => {
        const bits = e.kind === 'uint' ? 8 * e.width : e.kind === 'varint' ? 7 * e.width : 8 * (e.width - 1);
        const v = value % 2n ** BigInt(bits);
        const bytes = new Uint8Array(16);
        const f: Field = { offset: 3, encoding: e, label: 'x' };
        writeField(bytes, f, v);
        expect(readField(bytes, f)).to.equal(v);
      }),
      { numRuns: 300 },
    );
  });
});

describe('fuzz harness: seeds and mutations', () => {
  const seeds = loadSeeds();

  it('seeds are the fixtures and examples up to 1 MiB, by name, without the saved regressions', () => {
    expect(seeds.length).to.be.greaterThan(300);
    expect(seeds.every((s) => s.bytes.length <= MAX_SEED_BYTES && s.name === s.file.slice(s.file.lastIndexOf('/') + 1))).to.equal(true);
    expect(seeds.some((s) => s.file.startsWith('examples/'))).to.equal(true);
    expect(seeds.filter((s) => s.file.includes('fuzz-regressions'))).to.deep.equal([]);
    const families = new Set(seeds.map((s) => s.family));
    for (const f of ['zip', 'pickle', 'safetensors', 'gguf', 'numpy', 'hdf5', 'tar', '7z', 'compressed', 'protobuf', 'json', 'text']) expect(families, f).to.include(f);
  });

  it('a recipe always builds, to the same bytes each time, as a copy of its own', () => {
    const ctx = { seeds };
    fc.assert(
      fc.property(recipeArbitrary(1, seeds.length), (recipe) => {
        const seed = seeds[recipe.seed % seeds.length]!;
        const a = build(recipe, seed, ctx);
        expect(Buffer.from(build(recipe, seed, ctx)).equals(Buffer.from(a))).to.equal(true);
        expect(a.buffer).not.to.equal(seed.bytes.buffer);
      }),
      { numRuns: 200 },
    );
  });

  it('a layer mutation changes the content under gzip and leaves a valid gzip stream', () => {
    const seed = seeds.find((s) => s.file === 'test/fixtures/benign/archive/model.tar.gz')!;
    const recipe: Recipe = { family: 0, seed: 0, fixup: false, ops: [{ k: 'layer', inner: { k: 'set', edits: [[600, 0x41]], near: 0 } }] };
    const inner = gunzipSync(build(recipe, seed, { seeds }));
    const original = gunzipSync(seed.bytes);
    expect(inner.length).to.equal(original.length);
    expect(inner[600]).to.equal(0x41);
    expect(Buffer.compare(inner, original)).not.to.equal(0);
  });

  it('JSON mutations: hostile keys stay own keys, deep nesting stays valid JSON', () => {
    const injected = JSON.parse(mutateJson('{"a":{"b":1}}', { op: 'inject', at: 1, key: 1 })!) as { a: object };
    expect(Object.hasOwn(injected.a, 'constructor')).to.equal(true);
    const renamed = mutateJson('{"a":1}', { op: 'rename-key', at: 0, key: 0 })!;
    expect(renamed).to.equal('{"__proto__":1}');
    const deep = mutateJson('[1]', { op: 'nest', at: 0, depth: 3, object: false })!;
    expect(deep.startsWith('['.repeat(100_001))).to.equal(true);
    expect(() => JSON.parse(deep)).not.to.throw();
    expect(mutateJson('not json', { op: 'delete', at: 0 })).to.equal(undefined);
  });
});

describe('fuzz harness: the oracle catches every failure kind', function () {
  this.timeout(120_000);
  let runner: OracleRunner;
  before(async () => {
    runner = new OracleRunner({ budgetMs: 3_000, memoryMb: 128, innerTimeoutMs: 500, target: target('behaviours.ts') });
    await runner.ready();
  });
  after(() => runner.close());
  const run = (name: string) => runner.run(name, Uint8Array.of(1, 2, 3));

  it('an exception, with its stack', async () => {
    const o = await run('throw');
    expect(o).to.include({ ok: false, kind: 'exception', message: 'RangeError: offset out of bounds' });
    expect(!o.ok && o.stack).to.match(/behaviours\.ts/);
  });

  it('a rule error finding', async () => {
    expect(await run('rule-error')).to.include({ ok: false, kind: 'rule-error' });
  });

  it('a loop and a promise that never settles: stopped at the budget, and the next input gets a fresh worker', async () => {
    const starts = runner.starts;
    expect(await run('hang')).to.include({ ok: false, kind: 'timeout' });
    expect(await run('async-hang')).to.include({ ok: false, kind: 'timeout' });
    expect(await run('fine')).to.include({ ok: true });
    expect(runner.starts).to.equal(starts + 2);
  });

  it('a heap past the cap ends the worker as a memory failure', async () => {
    const roomy = new OracleRunner({ budgetMs: 30_000, memoryMb: 64, innerTimeoutMs: 500, target: target('behaviours.ts') });
    try {
      expect(await roomy.run('heap', Uint8Array.of(1))).to.include({ ok: false, kind: 'memory' });
    } finally {
      await roomy.close();
    }
  });

  it('ArrayBuffers past the cap', async () => {
    expect(await run('buffers')).to.include({ ok: false, kind: 'memory' });
    expect(await run('fine')).to.include({ ok: true });
  });

  it('a changed prototype, undone before the next input', async () => {
    expect(await run('pollute')).to.deep.include({ ok: false, kind: 'prototype-pollution', message: 'Object.prototype.polluted added' });
    expect(await run('fine')).to.include({ ok: true });
  });

  it('an abort of the whole process (V8 fatal errors are such aborts): the fuzzer survives it', async () => {
    const o = await run('abort');
    expect(o).to.include({ ok: false, kind: 'crash' });
    expect(!o.ok && o.message).to.match(/died \(SIGABRT\)/);
    expect(await run('fine')).to.include({ ok: true });
  });

  it('a rejected promise nobody awaited', async () => {
    expect(await run('stray')).to.include({ ok: false, kind: 'exception', message: 'TypeError: a promise nobody awaited' });
  });
});

describe('fuzz harness: a campaign finds, shrinks, de-duplicates and saves a bug', function () {
  this.timeout(120_000);
  const zeros: Seed[] = [0, 1, 2].map((i) => ({ file: `synthetic/zeros-${i}.bin`, name: `zeros-${i}.bin`, family: 'other', bytes: new Uint8Array(64 + i * 64) }));
  const options = { seeds: zeros, seed: 42, runs: 120, runner: { budgetMs: 3_000, memoryMb: 128, innerTimeoutMs: 500, target: target('trip.ts') }, shrink: { attempts: 200, ms: 30_000 } };
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'modelvet-fuzz-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reports the bug once, shrunk to one operation that still rebuilds the failing input', async () => {
    const saved: string[] = [];
    const stats = await runCampaign({
      ...options,
      onFailure: (f) => {
        const at = saveRegression(dir, f.bytes, { name: f.name, family: f.family, seedFile: f.seedFile, seed: f.seed, path: f.path, shrinks: f.shrinks, kind: f.kind, signature: f.signature, message: f.outcome.message, recipe: f.recipe });
        if (at) saved.push(at);
      },
    });
    expect(stats.failedExecutions).to.be.greaterThan(1);
    expect(stats.newFailures).to.have.length(1);
    const [f] = stats.newFailures;
    expect(f!.outcome.message).to.equal('TypeError: 0xff is not a valid tag');
    expect(f!.recipe.ops).to.have.length(1);
    expect(f!.repeat, 'fails alone in a fresh oracle').to.equal(1);
    expect(f!.bytes.includes(0xff)).to.equal(true);
    expect(Buffer.from(replayRecipe(zeros, f!.seedFile, f!.recipe)!.bytes).equals(Buffer.from(f!.bytes))).to.equal(true);

    const [r] = loadRegressions(dir);
    expect(saved).to.deep.equal([r!.bin]);
    expect(r!.record).to.include({ name: f!.name, family: 'other', seed: f!.seed, path: f!.path, kind: 'exception', size: f!.bytes.length });
    expect(Buffer.from(readFileSync(r!.bin)).equals(Buffer.from(f!.bytes))).to.equal(true);
    expect(saveRegression(dir, f!.bytes, r!.record), 'the same input is not saved twice').to.equal(undefined);
  });

  it('replays the same inputs from the same seed, and a known bug is counted but not reported again', async () => {
    const a = await runCampaign({ ...options, shrink: { attempts: 0, ms: 0 } });
    const b = await runCampaign({ ...options, shrink: { attempts: 0, ms: 0 }, known: new Set(a.signatures) });
    expect(b.failedExecutions).to.equal(a.failedExecutions);
    const counts = (s: typeof a) => [...s.byFamily].map(([f, x]) => [f, x.runs, x.failures]);
    expect(counts(b)).to.deep.equal(counts(a));
    expect(b.newFailures).to.deep.equal([]);
  });
});

describe('npm run fuzz (scripts/fuzz.ts)', function () {
  this.timeout(120_000);
  const fuzz = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'scripts/fuzz.ts', ...args], { cwd: REPO, encoding: 'utf8' });

  it('rejects an unknown family with exit code 2, naming the known ones', () => {
    const r = fuzz('--family', 'nope', '--seconds', '1');
    expect(r.status).to.equal(2);
    expect(r.stderr).to.match(/unknown family nope; known: .*zip/);
  });

  it('runs for the time given, prints executions per second and failures, saves them, exits 1', () => {
    const out = mkdtempSync(join(tmpdir(), 'modelvet-fuzz-cli-'));
    try {
      const r = fuzz('--seconds', '2', '--seed', '3', '--family', '7z', '--target', 'test/fuzz/targets/trip.ts', '--out', out);
      expect(r.status, r.stderr).to.equal(1);
      expect(r.stdout).to.match(/\d+ executions in [\d.]+ s \([\d.]+\/s\), [1-9]\d* failed, 1 new failure/);
      expect(r.stdout).to.match(/FAILURE exception in 7z .*0xff is not a valid tag/);
      expect(loadRegressions(out).map((x) => x.record.family)).to.deep.equal(['7z']);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
