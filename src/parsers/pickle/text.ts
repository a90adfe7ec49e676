/**
 * Decoding of opcode arguments the way CPython decodes them: Python int/float literals for the
 * protocol-0 text opcodes, escape sequences of STRING, raw-unicode-escape of UNICODE, UTF-8 of
 * BINUNICODE. Each returns `null` (or flags `ok: false`) where CPython would raise, so the caller
 * decides whether that stops the stream.
 */

const utf8Strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const utf8Lossy = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

export function decodeUtf8(bytes: Uint8Array): { text: string; ok: boolean } {
  try {
    return { text: utf8Strict.decode(bytes), ok: true };
  } catch {
    return { text: utf8Lossy.decode(bytes), ok: false };
  }
}

/** Bytes as latin-1 characters: lossless, what STRING/BINSTRING give under encoding='latin1'. */
export function decodeLatin1(bytes: Uint8Array): string {
  let out = '';
  const step = 8192;
  for (let i = 0; i < bytes.length; i += step) {
    out += String.fromCharCode.apply(null, Array.from(bytes.subarray(i, i + step)));
  }
  return out;
}

export function isAscii(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i]! > 0x7f) return false;
  return true;
}

const INT_RE = /^[+-]?(?:0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+|[0-9](?:_?[0-9])*)$/;

/**
 * `int(text, 0)` as the INT and LONG opcodes use it (whitespace allowed around, underscores
 * between digits, 0x/0o/0b prefixes). Leading zeros are read as decimal: the C unpickler's
 * strtol would read them as octal, Python's int() rejects them; either way the value is only
 * evidence, never a decision.
 */
export function parsePythonInt(text: string): number | bigint | null {
  const t = text.trim();
  if (!INT_RE.test(t)) return null;
  const neg = t.startsWith('-');
  const body = t.replace(/^[+-]/, '').replace(/_/g, '');
  let big: bigint;
  try {
    big = /^0[xXoObB]/.test(body) ? BigInt(body.toLowerCase()) : BigInt(body);
  } catch {
    return null;
  }
  if (neg) big = -big;
  return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
}

/** `float(text)` as the FLOAT opcode uses it. */
export function parsePythonFloat(text: string): number | null {
  const t = text.trim();
  const special = /^([+-]?)(inf|infinity|nan)$/i.exec(t);
  if (special) return special[2]!.toLowerCase() === 'nan' ? NaN : special[1] === '-' ? -Infinity : Infinity;
  if (!/^[+-]?(?:[0-9](?:_?[0-9])*(?:\.(?:[0-9](?:_?[0-9])*)?)?|\.[0-9](?:_?[0-9])*)(?:[eE][+-]?[0-9](?:_?[0-9])*)?$/.test(t)) return null;
  return Number(t.replace(/_/g, ''));
}

/** Decimal memo index of GET/PUT (`int(text)`, base 10). */
export function parseMemoIndex(text: string): number | null {
  const t = text.trim();
  if (!/^[+-]?[0-9](?:_?[0-9])*$/.test(t)) return null;
  const v = Number(t.replace(/_/g, ''));
  return Number.isFinite(v) ? v : null;
}

const SIMPLE_ESCAPES: Record<number, number> = {
  0x5c: 0x5c, // \\
  0x27: 0x27, // \'
  0x22: 0x22, // \"
  0x61: 0x07, // \a
  0x62: 0x08, // \b
  0x66: 0x0c, // \f
  0x6e: 0x0a, // \n
  0x72: 0x0d, // \r
  0x74: 0x09, // \t
  0x76: 0x0b, // \v
};

const hexVal = (c: number): number =>
  c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x57 : c >= 0x41 && c <= 0x46 ? c - 0x37 : -1;

/**
 * `codecs.escape_decode`, which STRING applies to the text between the quotes. Unknown escapes
 * stay as they are (backslash kept), a malformed \x makes CPython raise (`ok: false`).
 */
export function decodeBytesEscapes(src: Uint8Array): { bytes: Uint8Array; ok: boolean } {
  const out = new Uint8Array(src.length);
  let n = 0;
  let ok = true;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c !== 0x5c || i + 1 >= src.length) {
      if (c === 0x5c) ok = false; // trailing backslash: "\ at end of string"
      out[n++] = c;
      continue;
    }
    const e = src[++i]!;
    const simple = SIMPLE_ESCAPES[e];
    if (simple !== undefined) {
      out[n++] = simple;
    } else if (e === 0x0a) {
      // backslash-newline is a line continuation: nothing
    } else if (e >= 0x30 && e <= 0x37) {
      let v = e - 0x30;
      for (let k = 0; k < 2 && i + 1 < src.length && src[i + 1]! >= 0x30 && src[i + 1]! <= 0x37; k++) v = v * 8 + (src[++i]! - 0x30);
      out[n++] = v & 0xff;
    } else if (e === 0x78) {
      const h1 = i + 1 < src.length ? hexVal(src[i + 1]!) : -1;
      const h2 = i + 2 < src.length ? hexVal(src[i + 2]!) : -1;
      if (h1 < 0 || h2 < 0) {
        ok = false;
        out[n++] = 0x5c;
        out[n++] = e;
      } else {
        out[n++] = h1 * 16 + h2;
        i += 2;
      }
    } else {
      out[n++] = 0x5c;
      out[n++] = e;
    }
  }
  return { bytes: out.subarray(0, n), ok };
}

/** `str(bytes, 'raw-unicode-escape')`: latin-1, except \uXXXX and \UXXXXXXXX. */
export function decodeRawUnicodeEscape(src: Uint8Array): { text: string; ok: boolean } {
  let out = '';
  let ok = true;
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (c === 0x5c && i + 1 < src.length && (src[i + 1] === 0x75 || src[i + 1] === 0x55)) {
      // An odd number of backslashes before 'u' makes an escape; raw-unicode-escape counts them.
      let backslashes = 0;
      for (let k = i - 1; k >= 0 && src[k] === 0x5c; k--) backslashes++;
      if (backslashes % 2 === 0) {
        const digits = src[i + 1] === 0x75 ? 4 : 8;
        let v = 0;
        let good = i + 2 + digits <= src.length;
        for (let k = 0; good && k < digits; k++) {
          const h = hexVal(src[i + 2 + k]!);
          if (h < 0) good = false;
          else v = v * 16 + h;
        }
        if (good && v <= 0x10ffff) {
          out += String.fromCodePoint(v);
          i += 2 + digits;
          continue;
        }
        ok = false;
      }
    }
    out += String.fromCharCode(c);
    i++;
  }
  return { text: out, ok };
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/** A dotted Python identifier (ASCII): what a module or qualified name looks like. */
export function isDottedIdentifier(s: string): boolean {
  return s.length > 0 && s.length <= 512 && IDENT.test(s);
}
