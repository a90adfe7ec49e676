import fc from 'fast-check';

/** A copy of one of the sources cut short, with some bytes overwritten, or with a run of bytes inserted. */
export const mutated = (sources: readonly Uint8Array[]): fc.Arbitrary<Uint8Array> =>
  fc
    .tuple(
      fc.integer({ min: 0, max: sources.length - 1 }),
      fc.oneof(
        fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
        fc.record({ kind: fc.constant('flip' as const), edits: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }) }),
        fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
      ),
    )
    .map(([i, m]) => {
      const src = sources[i];
      if (m.kind === 'truncate') return src.slice(0, m.at % (src.length + 1));
      if (m.kind === 'insert') {
        const at = m.at % (src.length + 1);
        return new Uint8Array([...src.subarray(0, at), ...m.bytes, ...src.subarray(at)]);
      }
      const out = src.slice();
      for (const [at, value] of m.edits) if (out.length > 0) out[at % out.length] = value;
      return out;
    });
