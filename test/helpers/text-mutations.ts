/** Byte-level mutations of text documents (configs, BOMs) for property tests: truncation, a byte set, a fragment inserted, a region repeated. */
import fc from 'fast-check';

export type TextMutation = { kind: 'truncate'; at: number } | { kind: 'set'; at: number; byte: number } | { kind: 'insert'; at: number; text: string } | { kind: 'repeat'; at: number; length: number; times: number };

/** Mutations whose bytes favour `special` characters and whose insertions are the format's own `fragments`. */
export function textMutation(options: { special: readonly number[]; fragments: readonly string[]; maxRepeatLength: number; maxTimes: number }): fc.Arbitrary<TextMutation> {
  return fc.oneof(
    fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
    fc.record({ kind: fc.constant('set' as const), at: fc.nat(), byte: fc.oneof(fc.constantFrom(...options.special), fc.integer({ min: 0, max: 255 })) }),
    fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.constantFrom(...options.fragments) }),
    fc.record({ kind: fc.constant('repeat' as const), at: fc.nat(), length: fc.integer({ min: 1, max: options.maxRepeatLength }), times: fc.integer({ min: 2, max: options.maxTimes }) }),
  );
}

export function applyTextMutations(source: Uint8Array, ms: readonly TextMutation[]): Uint8Array {
  let b = source;
  for (const m of ms) {
    const at = b.length === 0 ? 0 : m.at % b.length;
    if (m.kind === 'truncate') b = b.slice(0, at);
    else if (m.kind === 'set' && b.length > 0) (b = b.slice())[at] = m.byte;
    else if (m.kind === 'insert') b = new Uint8Array([...b.subarray(0, at), ...new TextEncoder().encode(m.text), ...b.subarray(at)]);
    else if (m.kind === 'repeat') {
      const piece = b.subarray(at, at + m.length);
      const parts = [b.subarray(0, at), ...Array.from({ length: m.times }, () => piece), b.subarray(at)];
      b = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
      let o = 0;
      for (const p of parts) (b.set(p, o), (o += p.length));
    }
  }
  return b;
}
