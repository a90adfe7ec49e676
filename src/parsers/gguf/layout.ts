import { GGUF_MALFORMED } from './codes.js';
import type { GgufHeader, GgufTensorInfo } from './header.js';
import { printable } from './printable.js';
import type { AnomalySink } from './sink.js';

const pad = (x: bigint, n: bigint): bigint => ((x + n - 1n) / n) * n;

/** Where the data section starts: the header's end padded to the alignment (gguf.cpp seeks there when there are tensors). */
export const dataSectionOffset = (h: GgufHeader): number | undefined =>
  h.headerEnd === undefined ? undefined : h.tensors.length === 0 ? h.headerEnd : Number(pad(BigInt(h.headerEnd), BigInt(h.alignment)));

/** Tensors whose byte ranges overlap an earlier-starting one, by name. */
function overlapping(tensors: readonly GgufTensorInfo[]): Map<GgufTensorInfo, GgufTensorInfo> {
  const sized = tensors.filter((t) => t.nbytes !== undefined && t.nbytes > 0n).sort((a, b) => (a.dataOffset < b.dataOffset ? -1 : a.dataOffset > b.dataOffset ? 1 : 0));
  const found = new Map<GgufTensorInfo, GgufTensorInfo>();
  let reach: GgufTensorInfo | undefined;
  for (const t of sized) {
    if (reach && t.dataOffset < reach.dataOffset + reach.nbytes!) found.set(t, reach);
    if (!reach || t.dataOffset + t.nbytes! > reach.dataOffset + reach.nbytes!) reach = t;
  }
  return found;
}

/**
 * Checks tensor data placement the way llama.cpp relies on it: gguf.cpp wants each tensor at the
 * offset the previous ones' padded sizes add up to, and the model loader maps each tensor's bytes
 * from the file, so data past the end, misaligned or shared between tensors is refused (or, in a
 * loader that trusts the offsets, read out of bounds). One anomaly per tensor, the most telling.
 */
export function checkLayout(h: GgufHeader, fileSize: number, sink: AnomalySink): void {
  const start = dataSectionOffset(h);
  if (start === undefined || h.tensors.length === 0) return;
  if (start > fileSize) {
    sink.add(GGUF_MALFORMED.truncated, `the tensor data section would start at offset ${start}, past the end of the file (${fileSize} bytes), so no tensor can be loaded`, h.headerEnd, { dataOffset: start, fileSize });
    return;
  }
  const alignment = BigInt(h.alignment);
  const overlaps = overlapping(h.tensors);
  let expected: bigint | undefined = 0n;
  for (const t of h.tensors) {
    const name = printable(t.name);
    const at = BigInt(start) + t.dataOffset;
    const detail = { tensor: t.name, offset: t.dataOffset.toString() };
    const other = overlaps.get(t);
    if (t.nbytes !== undefined && at + t.nbytes > BigInt(fileSize)) {
      sink.add(GGUF_MALFORMED.dataPastEnd, `tensor ${name}'s ${t.nbytes} bytes at data offset ${t.dataOffset} run past the end of the file (${fileSize} bytes): llama.cpp refuses it, and a loader that trusts the offset reads out of bounds`, t.offset, { ...detail, nbytes: t.nbytes.toString(), fileSize });
    } else if (t.dataOffset % alignment !== 0n) {
      sink.add(GGUF_MALFORMED.misaligned, `tensor ${name}'s data offset ${t.dataOffset} is not aligned to general.alignment (${h.alignment}), so llama.cpp refuses the file`, t.offset, { ...detail, alignment: h.alignment });
    } else if (other) {
      sink.add(GGUF_MALFORMED.overlap, `tensor ${name}'s data overlaps tensor ${printable(other.name)}'s, so loading would read one tensor's bytes as the other's`, t.offset, { ...detail, other: other.name });
    } else if (expected !== undefined && t.dataOffset !== expected) {
      sink.add(GGUF_MALFORMED.offsetOrder, `tensor ${name} is at data offset ${t.dataOffset} where llama.cpp expects ${expected} (tensors packed in header order), so it refuses the file`, t.offset, { ...detail, expected: expected.toString() });
    }
    // gguf.cpp's running total of padded sizes, whatever this tensor declared.
    expected = expected !== undefined && t.nbytes !== undefined ? expected + pad(t.nbytes, alignment) : undefined;
  }
}

/** Sum of the element counts, when every tensor's is known and the sum is a safe integer. */
export function parameterCount(h: GgufHeader): number | undefined {
  if (h.headerEnd === undefined || h.tensors.some((t) => t.elements === undefined)) return undefined;
  const total = h.tensors.reduce((sum, t) => sum + t.elements!, 0n);
  return total <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(total) : undefined;
}
