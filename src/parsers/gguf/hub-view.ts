import type { gguf as Gguf } from '@huggingface/gguf';
import type { ByteReader } from '../../types.js';
import { GGUF_DIVERGENCE } from './codes.js';
import type { GgufHeader, GgufKv } from './header.js';
import { dataSectionOffset } from './layout.js';
import { rangeFetch } from './range-fetch.js';
import { printable } from './printable.js';
import type { AnomalySink } from './sink.js';

/** The fields @huggingface/gguf puts in `metadata` beside the file's own keys. */
const BUILTIN = ['version', 'tensor_count', 'kv_count'] as const;

const show = (v: unknown): string => (Array.isArray(v) ? `an array of ${v.length}` : printable(typeof v === 'string' ? JSON.stringify(v) : String(v), 60));

function sameValue(kv: GgufKv, theirs: unknown): boolean {
  if (kv.array) return Array.isArray(theirs) && theirs.length === Number(kv.array.length);
  // A string too long to keep is compared by kind only.
  if (kv.value === undefined) return typeof theirs === 'string';
  return Object.is(kv.value, theirs);
}

/**
 * Reads the header again with @huggingface/gguf, the JavaScript reader behind Hugging Face's
 * tools, through ranged reads that stop at the header's end, and records where it sees other
 * keys, values or tensors than llama.cpp's rules give. Our own walk stays the authority: that
 * reader fills bytes past the end of the file with zeros, keeps the last of two same-named keys
 * on a plain object (a key `__proto__` disappears, one named `version` replaces the header's)
 * and does not report where a field lies, so it cannot fail closed by itself. Run only on a
 * header our walk found sound.
 */
export async function checkHubView(reader: ByteReader, header: GgufHeader, sink: AnomalySink): Promise<void> {
  if (header.headerEnd === undefined) return;
  let parsed: Awaited<ReturnType<typeof Gguf>>;
  try {
    // Loaded on first use: scans without a GGUF file do not pay for the library.
    const { gguf } = await import('@huggingface/gguf');
    parsed = await gguf('https://modelvet.invalid/model.gguf', { fetch: rangeFetch(reader, header.headerEnd) });
  } catch (err) {
    sink.add(GGUF_DIVERGENCE.unreadable, `@huggingface/gguf rejects a header llama.cpp accepts (${(err as Error).message}), so Hugging Face's viewers may not show what loading uses`);
    return;
  }
  const theirs = parsed.metadata as unknown as Record<string, unknown>;
  const differ = (message: string, offset?: number, detail?: Record<string, unknown>): void =>
    sink.add(GGUF_DIVERGENCE.content, `${message}, so what Hugging Face's JavaScript reader shows differs from what llama.cpp loads`, offset, detail);

  for (const kv of header.kvs) {
    const key = printable(kv.key);
    if ((BUILTIN as readonly string[]).includes(kv.key)) {
      differ(`the key ${key} replaces the header field of that name in @huggingface/gguf`, kv.offset, { key: kv.key });
    } else if (!Object.prototype.hasOwnProperty.call(theirs, kv.key)) {
      differ(`@huggingface/gguf does not see the key ${show(kv.key)}`, kv.offset, { key: kv.key });
    } else if (!sameValue(kv, theirs[kv.key])) {
      differ(`the key ${key} is ${kv.array ? `an array of ${kv.array.length}` : show(kv.value)} for llama.cpp but ${show(theirs[kv.key])} for @huggingface/gguf`, kv.offset, { key: kv.key });
    }
  }
  const counts: Record<(typeof BUILTIN)[number], unknown> = { version: header.version, tensor_count: header.tensorCount, kv_count: header.kvCount };
  for (const field of BUILTIN) {
    if (!header.kvs.some((kv) => kv.key === field) && theirs[field] !== counts[field]) differ(`the header's ${field} is ${show(counts[field])} for llama.cpp but ${show(theirs[field])} for @huggingface/gguf`);
  }

  const infos = parsed.tensorInfos;
  if (infos.length !== header.tensors.length) differ(`llama.cpp reads ${header.tensors.length} tensor infos but @huggingface/gguf ${infos.length}`);
  header.tensors.forEach((t, i) => {
    const o = infos[i];
    if (!o) return;
    const same = o.name === t.name && o.dtype === t.type && o.offset === t.dataOffset && o.shape.length === t.dims.length && o.shape.every((d, j) => d === t.dims[j]);
    if (!same) differ(`tensor ${i} is ${printable(t.name)} for llama.cpp but ${show(o.name)} (type ${o.dtype}, offset ${o.offset}) for @huggingface/gguf`, t.offset, { tensor: t.name });
  });
  const start = dataSectionOffset(header);
  if (header.tensors.length > 0 && start !== undefined && parsed.tensorDataOffset !== BigInt(start)) {
    differ(`tensor data starts at offset ${start} for llama.cpp but at ${parsed.tensorDataOffset} for @huggingface/gguf`);
  }
}
