/** A tar writer for tests that can lie: wrong checksums, sizes past the end, raw type flags. */
export interface TarTestEntry {
  name: string;
  data?: Uint8Array | string;
  type?: string;
  linkName?: string;
  prefix?: string;
  /** Size field override (data written is still `data`). */
  size?: number;
  badChecksum?: boolean;
  /** Emit a GNU 'L' block carrying this long name before the header. */
  longName?: string;
  /** Emit a pax 'x' block with these records before the header. */
  pax?: Record<string, string>;
}

const enc = new TextEncoder();
/** Data strings are binary (one byte per char), so pickles can be written as string literals. */
const bytes = (v: Uint8Array | string | undefined) =>
  v === undefined ? new Uint8Array(0) : typeof v === 'string' ? Uint8Array.from(v, (c) => c.charCodeAt(0) & 0xff) : v;

function octal(n: number, width: number): Uint8Array {
  return enc.encode(n.toString(8).padStart(width - 1, '0') + '\0');
}

export function tarHeader(e: { name: string; size: number; type: string; linkName?: string; prefix?: string; badChecksum?: boolean }): Uint8Array {
  const h = new Uint8Array(512);
  h.set(enc.encode(e.name).subarray(0, 100), 0);
  h.set(octal(0o644, 8), 100);
  h.set(octal(0, 8), 108);
  h.set(octal(0, 8), 116);
  h.set(octal(e.size, 12), 124);
  h.set(octal(0, 12), 136);
  h[156] = e.type.charCodeAt(0);
  if (e.linkName) h.set(enc.encode(e.linkName).subarray(0, 100), 157);
  h.set(enc.encode('ustar\x0000'), 257);
  if (e.prefix) h.set(enc.encode(e.prefix).subarray(0, 155), 345);
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  if (e.badChecksum) sum += 1;
  h.set(enc.encode(sum.toString(8).padStart(6, '0') + '\0 '), 148);
  return h;
}

function padded(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(Math.ceil(data.length / 512) * 512);
  out.set(data);
  return out;
}

function paxPayload(records: Record<string, string>): Uint8Array {
  let text = '';
  for (const [k, v] of Object.entries(records)) {
    const body = ` ${k}=${v}\n`;
    let len = enc.encode(body).length + 1;
    while (String(len).length + enc.encode(body).length !== len) len++;
    text += `${len}${body}`;
  }
  return enc.encode(text);
}

export function buildTar(entries: TarTestEntry[], opts: { end?: boolean; trailing?: Uint8Array } = {}): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const e of entries) {
    if (e.longName !== undefined) {
      const payload = enc.encode(e.longName + '\0');
      parts.push(tarHeader({ name: '././@LongLink', size: payload.length, type: 'L' }), padded(payload));
    }
    if (e.pax) {
      const payload = paxPayload(e.pax);
      parts.push(tarHeader({ name: 'PaxHeader', size: payload.length, type: 'x' }), padded(payload));
    }
    const data = bytes(e.data);
    parts.push(tarHeader({
      name: e.name, size: e.size ?? data.length, type: e.type ?? '0', linkName: e.linkName, prefix: e.prefix, badChecksum: e.badChecksum,
    }));
    if (data.length) parts.push(padded(data));
  }
  if (opts.end !== false) parts.push(new Uint8Array(1024));
  if (opts.trailing) parts.push(opts.trailing);
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
