import type { ByteReader } from '../../types.js';

const RANGE = /^bytes=(\d{1,16})-(\d{0,16})$/;

/**
 * A `fetch` that answers HTTP Range requests from a ByteReader the way a file server does (206 with
 * Content-Range, 416 past the end), so a library written for remote files reads local files,
 * archive members and remote ranges alike. `servedBytes` hides everything after a prefix (the
 * header), keeping what the library reads to what it needs; the size it reports stays the file's.
 */
export function rangeFetch(reader: ByteReader, servedBytes = reader.size): typeof fetch {
  const served = Math.min(servedBytes, reader.size);
  return async (_input, init) => {
    const m = RANGE.exec(new Headers(init?.headers).get('range')?.trim() ?? '');
    if (!m) return new Response(null, { status: 416, headers: { 'Content-Range': `bytes */${reader.size}` } });
    const start = Number(m[1]);
    const end = Math.min(m[2] ? Number(m[2]) : served - 1, served - 1);
    if (start >= served || end < start) return new Response(null, { status: 416, headers: { 'Content-Range': `bytes */${reader.size}` } });
    // A copy: Response takes ownership of plain ArrayBuffer-backed bytes only.
    const bytes = new Uint8Array(await reader.read(start, end - start + 1));
    return new Response(bytes, {
      status: 206,
      headers: { 'Content-Range': `bytes ${start}-${start + bytes.length - 1}/${reader.size}`, 'Content-Length': String(bytes.length) },
    });
  };
}
