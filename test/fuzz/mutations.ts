/**
 * Mutations as plain data (so a failure's recipe is saved with it and fast-check can shrink it),
 * their fast-check arbitraries, and how each is applied to a seed. Structure-aware operations use
 * the family table; one that finds nothing to act on falls back to a byte edit, so every
 * operation changes something.
 */
import fc from 'fast-check';
import { concat, readField, writeField } from './bytes.js';
import { classify, familyById } from './families.js';
import { mutateJson, type JsonOp } from './json-tree.js';
import type { FamilySpec, Seed } from './types.js';

/** Where a position is drawn: anywhere, in the first 4 KiB (headers), or the last 4 KiB (zip and tar ends). */
type Near = 0 | 1 | 2;

export type Op =
  | { k: 'set'; edits: Array<[number, number]>; near: Near }
  | { k: 'flip'; at: number; bit: number; near: Near }
  | { k: 'run'; at: number; len: number; value: number; insert: boolean; near: Near }
  | { k: 'truncate'; at: number; near: Near }
  | { k: 'remove'; at: number; len: number; near: Near }
  | { k: 'duplicate'; at: number; len: number; to: number }
  | { k: 'splice'; other: number; at: number; from: number }
  | { k: 'append'; other: number }
  | { k: 'tokens'; at: number; token: number; count: number }
  | { k: 'field'; which: number; value: FieldValue }
  | { k: 'region'; which: number; action: 'dup' | 'drop' | 'swap'; with: number }
  | { k: 'json'; op: JsonOp }
  | { k: 'layer'; inner: Op };

/** A new value for an integer field: one of the boundary values, or the old value moved by a small delta. */
export type FieldValue = { set: number } | { delta: number } | { times: 0 | 2 | 256 };

export interface Recipe {
  family: number;
  seed: number;
  ops: Op[];
  fixup: boolean;
}

/** Boundary values that readers mishandle: sign bits, width limits, the file's own length. */
const BOUNDARIES: readonly (bigint | 'len' | 'len+1' | 'len-1')[] = [
  0n, 1n, 2n, 7n, 8n, 0x7fn, 0x80n, 0xffn, 0x100n, 0x7fffn, 0x8000n, 0xffffn, 0x10000n, 0x7fff_ffffn, 0x8000_0000n, 0xffff_ffffn, 0x1_0000_0000n,
  2n ** 53n - 1n, 2n ** 53n, 2n ** 63n - 1n, 2n ** 63n, 2n ** 64n - 1n, 'len', 'len+1', 'len-1',
];

/** Runs of text that stress nesting and backtracking: brackets, template tags, quotes, long words. */
export const TOKENS = ['[', '{', '(', '{{', '{%', '- ', '  ', 'a', 'aa!', '\\', '"', "'", '<', '\n', '\t', '#', '${', 'eval(', '__import__(', 'a.b.', '0', '\u00e9', '\ud83d\ude00'] as const;
const TOKEN_COUNTS = [16, 1_000, 10_000, 60_000] as const;
const RUN_LENGTHS = [1, 2, 4, 8, 16, 64, 512, 4096, 65_536] as const;

const position = (at: number, near: Near, length: number, inclusive = false): number => {
  const span = length + (inclusive ? 1 : 0);
  if (span <= 0) return 0;
  if (near === 1) return at % Math.min(span, 4096);
  if (near === 2) return span - 1 - (at % Math.min(span, 4096));
  return at % span;
};

const near = fc.constantFrom<Near>(0, 1, 2);
const small = fc.nat({ max: 0xffff });

const jsonOp: fc.Arbitrary<JsonOp> = fc.oneof(
  fc.record({ op: fc.constant('rename-key' as const), at: small, key: fc.nat(64) }),
  fc.record({ op: fc.constant('inject' as const), at: small, key: fc.nat(64) }),
  fc.record({ op: fc.constant('replace' as const), at: small, value: fc.nat(64) }),
  fc.record({ op: fc.constant('duplicate-key' as const), at: small, value: fc.nat(64) }),
  fc.record({ op: fc.constant('delete' as const), at: small }),
  fc.record({ op: fc.constant('nest' as const), at: small, depth: fc.nat(8), object: fc.boolean() }),
);

const fieldValue: fc.Arbitrary<FieldValue> = fc.oneof(
  { arbitrary: fc.record({ set: fc.nat(BOUNDARIES.length - 1) }), weight: 4 },
  { arbitrary: fc.record({ delta: fc.integer({ min: -64, max: 64 }) }), weight: 2 },
  { arbitrary: fc.record({ times: fc.constantFrom<0 | 2 | 256>(0, 2, 256) }), weight: 1 },
);

/** Operations that act on the bytes of the current format (every kind but `layer`). */
function flatOp(seedCount: number): fc.Arbitrary<Op> {
  const other = fc.noBias(fc.nat(Math.max(0, seedCount - 1)));
  return fc.oneof(
    { arbitrary: fc.record({ k: fc.constant('set' as const), edits: fc.array(fc.tuple(fc.nat(), fc.nat(255)), { minLength: 1, maxLength: 8 }), near }), weight: 3 },
    { arbitrary: fc.record({ k: fc.constant('flip' as const), at: fc.nat(), bit: fc.nat(7), near }), weight: 2 },
    { arbitrary: fc.record({ k: fc.constant('run' as const), at: fc.nat(), len: fc.nat(RUN_LENGTHS.length - 1), value: fc.constantFrom(0, 0xff, 0x7f, 0x80, 0x41, 0x20, 0x5b), insert: fc.boolean(), near }), weight: 2 },
    { arbitrary: fc.record({ k: fc.constant('truncate' as const), at: fc.nat(), near }), weight: 3 },
    { arbitrary: fc.record({ k: fc.constant('remove' as const), at: fc.nat(), len: fc.nat(RUN_LENGTHS.length - 1), near }), weight: 1 },
    { arbitrary: fc.record({ k: fc.constant('duplicate' as const), at: fc.nat(), len: fc.nat(RUN_LENGTHS.length - 1), to: fc.nat() }), weight: 1 },
    { arbitrary: fc.record({ k: fc.constant('splice' as const), other, at: fc.nat(), from: fc.nat() }), weight: 1 },
    { arbitrary: fc.record({ k: fc.constant('append' as const), other }), weight: 1 },
    { arbitrary: fc.record({ k: fc.constant('tokens' as const), at: fc.nat(), token: fc.nat(TOKENS.length - 1), count: fc.nat(TOKEN_COUNTS.length - 1) }), weight: 1 },
    { arbitrary: fc.record({ k: fc.constant('field' as const), which: fc.nat(), value: fieldValue }), weight: 6 },
    { arbitrary: fc.record({ k: fc.constant('region' as const), which: fc.nat(), action: fc.constantFrom('dup' as const, 'drop' as const, 'swap' as const), with: fc.nat() }), weight: 2 },
    { arbitrary: fc.record({ k: fc.constant('json' as const), op: jsonOp }), weight: 3 },
  );
}

export function opArbitrary(seedCount: number): fc.Arbitrary<Op> {
  const flat = flatOp(seedCount);
  return fc.oneof({ arbitrary: flat, weight: 9 }, { arbitrary: fc.record({ k: fc.constant('layer' as const), inner: flat }), weight: 1 });
}

/** A whole input: which family and seed, then one to four operations, with or without the family's checksum fixup. */
export function recipeArbitrary(familyCount: number, seedCount: number): fc.Arbitrary<Recipe> {
  // Families and seeds drawn uniformly (fast-check's bias towards small numbers would favour the first of each).
  return fc.record({
    family: fc.noBias(fc.nat(Math.max(0, familyCount - 1))),
    seed: fc.noBias(fc.nat()),
    ops: fc.array(opArbitrary(seedCount), { minLength: 1, maxLength: 4 }),
    fixup: fc.boolean(),
  });
}

interface Context {
  /** Every seed, for splicing and appending. */
  seeds: readonly Seed[];
}

function setBytes(bytes: Uint8Array, edits: Array<[number, number]>, n: Near): Uint8Array {
  if (bytes.length === 0) return Uint8Array.of(...edits.map(([, v]) => v));
  const out = bytes.slice();
  for (const [at, v] of edits) out[position(at, n, out.length)] = v;
  return out;
}

function fieldEdit(bytes: Uint8Array, spec: FamilySpec, which: number, value: FieldValue): Uint8Array | undefined {
  const fields = spec.fields?.(bytes) ?? [];
  if (fields.length === 0) return undefined;
  const field = fields[which % fields.length]!;
  const old = readField(bytes, field);
  let next: bigint;
  if ('set' in value) {
    const b = BOUNDARIES[value.set % BOUNDARIES.length]!;
    const len = BigInt(bytes.length);
    next = b === 'len' ? len : b === 'len+1' ? len + 1n : b === 'len-1' ? len - 1n : b;
  } else if ('delta' in value) next = old + BigInt(value.delta);
  else next = old * BigInt(value.times);
  const out = bytes.slice();
  writeField(out, field, next);
  return out;
}

function regionEdit(bytes: Uint8Array, spec: FamilySpec, which: number, action: 'dup' | 'drop' | 'swap', other: number): Uint8Array | undefined {
  const regions = (spec.regions?.(bytes) ?? []).filter((r) => r.end > r.start && r.end <= bytes.length);
  if (regions.length === 0) return undefined;
  const r = regions[which % regions.length]!;
  const head = bytes.subarray(0, r.start), body = bytes.subarray(r.start, r.end), tail = bytes.subarray(r.end);
  if (action === 'dup') return concat(head, body, body, tail);
  if (action === 'drop') return concat(head, tail);
  // swap with a later unit, keeping the bytes between them
  const s = regions[other % regions.length]!;
  if (s.start < r.end) return concat(head, tail, body);
  return concat(head, bytes.subarray(s.start, s.end), bytes.subarray(r.end, s.start), body, bytes.subarray(s.end));
}

function jsonEdit(bytes: Uint8Array, spec: FamilySpec, op: JsonOp): Uint8Array | undefined {
  const text = spec.json?.extract(bytes);
  if (text === undefined) return undefined;
  const next = mutateJson(text, op);
  return next === undefined ? undefined : spec.json!.rebuild(bytes, next);
}

function tokenRun(bytes: Uint8Array, at: number, token: number, count: number): Uint8Array {
  const run = new TextEncoder().encode(TOKENS[token % TOKENS.length]!.repeat(TOKEN_COUNTS[count % TOKEN_COUNTS.length]!));
  const p = position(at, 0, bytes.length, true);
  return concat(bytes.subarray(0, p), run, bytes.subarray(p));
}

/** Applies one operation. The name tells an inner layer's family (`a.tar.gz` holds `a.tar`). */
export function applyOp(bytes: Uint8Array, op: Op, spec: FamilySpec, name: string, ctx: Context): Uint8Array {
  const len = bytes.length;
  switch (op.k) {
    case 'set':
      return setBytes(bytes, op.edits, op.near);
    case 'flip': {
      if (len === 0) return bytes;
      const out = bytes.slice();
      out[position(op.at, op.near, len)]! ^= 1 << op.bit;
      return out;
    }
    case 'run': {
      const run = new Uint8Array(RUN_LENGTHS[op.len % RUN_LENGTHS.length]!).fill(op.value);
      const p = position(op.at, op.near, len, true);
      return op.insert ? concat(bytes.subarray(0, p), run, bytes.subarray(p)) : concat(bytes.subarray(0, p), run, bytes.subarray(Math.min(len, p + run.length)));
    }
    case 'truncate':
      return bytes.subarray(0, position(op.at, op.near, len, true));
    case 'remove': {
      const p = position(op.at, op.near, len, true);
      return concat(bytes.subarray(0, p), bytes.subarray(Math.min(len, p + RUN_LENGTHS[op.len % RUN_LENGTHS.length]!)));
    }
    case 'duplicate': {
      const p = position(op.at, 0, len, true);
      const piece = bytes.subarray(p, Math.min(len, p + RUN_LENGTHS[op.len % RUN_LENGTHS.length]!));
      const to = position(op.to, 0, len, true);
      return concat(bytes.subarray(0, to), piece, bytes.subarray(to));
    }
    case 'splice': {
      const other = ctx.seeds[op.other % ctx.seeds.length]!.bytes;
      return concat(bytes.subarray(0, position(op.at, 0, len, true)), other.subarray(position(op.from, 0, other.length, true)));
    }
    case 'append':
      return concat(bytes, ctx.seeds[op.other % ctx.seeds.length]!.bytes);
    case 'tokens':
      return tokenRun(bytes, op.at, op.token, op.count);
    case 'field':
      return fieldEdit(bytes, spec, op.which, op.value) ?? setBytes(bytes, [[op.which, 0xff]], 1);
    case 'region':
      return regionEdit(bytes, spec, op.which, op.action, op.with) ?? applyOp(bytes, { k: 'remove', at: op.which, len: 3, near: 0 }, spec, name, ctx);
    case 'json':
      return jsonEdit(bytes, spec, op.op) ?? tokenRun(bytes, op.op.at, 1, 2);
    case 'layer': {
      const inner = spec.layer?.open(bytes);
      if (!inner) return applyOp(bytes, op.inner, spec, name, ctx);
      const innerName = name.replace(/\.(gz|gzip|zlib|z|tgz)$/i, (m) => (m.toLowerCase() === '.tgz' ? '.tar' : ''));
      const innerSpec = classify(inner, innerName);
      return spec.layer!.close(applyOp(inner, op.inner, innerSpec, innerName, ctx), bytes);
    }
  }
}

/** The input a recipe makes from its seed. */
export function build(recipe: Recipe, seed: Seed, ctx: Context): Uint8Array {
  const spec = familyById(seed.family);
  let bytes = seed.bytes;
  for (const op of recipe.ops) bytes = applyOp(bytes, op, spec, seed.name, ctx);
  if (recipe.fixup && spec.fixup) bytes = spec.fixup(bytes);
  // splices and layers may hand back a view of a seed: the input is always a copy of its own
  return bytes === seed.bytes || bytes.buffer === seed.bytes.buffer ? bytes.slice() : bytes;
}
