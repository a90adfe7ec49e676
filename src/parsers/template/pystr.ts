/**
 * Python `str` operations on known strings (indexing by code point, as Python does), used to
 * follow names a template assembles with slices, filters and methods. Each returns null where
 * Python would raise or where the result is not modelled.
 */

const chars = (s: string): string[] => Array.from(s);

function normaliseIndex(i: bigint, length: number): number | null {
  const n = i < 0n ? BigInt(length) + i : i;
  return n < 0n || n >= BigInt(length) ? null : Number(n);
}

/** `seq[i]` on a string or list. */
export function pyIndex<T>(seq: readonly T[], i: bigint): T | null {
  const k = normaliseIndex(i, seq.length);
  return k === null ? null : seq[k];
}

export const stringIndex = (s: string, i: bigint): string | null => pyIndex(chars(s), i);

/** `seq[start:stop:step]` with Python's clamping rules. */
export function pySlice<T>(seq: readonly T[], start: bigint | null, stop: bigint | null, step: bigint | null): T[] | null {
  const st = step ?? 1n;
  if (st === 0n) return null;
  const len = BigInt(seq.length);
  const clamp = (v: bigint, lo: bigint, hi: bigint): bigint => (v < lo ? lo : v > hi ? hi : v);
  const adjust = (v: bigint | null, dflt: bigint, lo: bigint, hi: bigint): bigint => {
    if (v === null) return dflt;
    return clamp(v < 0n ? v + len : v, lo, hi);
  };
  const out: T[] = [];
  if (st > 0n) {
    const a = adjust(start, 0n, 0n, len);
    const b = adjust(stop, len, 0n, len);
    for (let i = a; i < b; i += st) out.push(seq[Number(i)]);
  } else {
    const a = adjust(start, len - 1n, -1n, len - 1n);
    const b = adjust(stop, -1n, -1n, len - 1n);
    for (let i = a; i > b; i += st) out.push(seq[Number(i)]);
  }
  return out;
}

export const stringSlice = (s: string, start: bigint | null, stop: bigint | null, step: bigint | null): string | null => {
  const r = pySlice(chars(s), start, stop, step);
  return r === null ? null : r.join('');
};

export const reverse = (s: string): string => chars(s).reverse().join('');

/** Python's str.capitalize (first character upper, the rest lower). */
export const capitalize = (s: string): string => {
  const c = chars(s);
  return c.length === 0 ? s : c[0].toUpperCase() + c.slice(1).join('').toLowerCase();
};

/** Python's str.title: a letter after a non-letter is upper-cased, other letters lower-cased. */
export const title = (s: string): string => {
  let out = '';
  let prevLetter = false;
  for (const ch of chars(s)) {
    const letter = ch.toLowerCase() !== ch.toUpperCase();
    out += letter ? (prevLetter ? ch.toLowerCase() : ch.toUpperCase()) : ch;
    prevLetter = letter;
  }
  return out;
};

export const swapcase = (s: string): string =>
  chars(s)
    .map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase()))
    .join('');

const WHITESPACE = ' \t\n\r\x0b\x0c';

/** str.strip / lstrip / rstrip with Python's default (whitespace) or an explicit character set. */
export function strip(s: string, set: string | null, side: 'both' | 'left' | 'right'): string {
  const remove = set ?? WHITESPACE;
  const c = chars(s);
  let a = 0;
  let b = c.length;
  if (side !== 'right') while (a < b && remove.includes(c[a])) a++;
  if (side !== 'left') while (b > a && remove.includes(c[b - 1])) b--;
  return c.slice(a, b).join('');
}

/** str.replace(old, new[, count]); an empty `old` inserts between characters, as in Python. */
export function replace(s: string, from: string, to: string, count: bigint | null): string {
  const limit = count === null || count < 0n ? Infinity : Number(count);
  if (from === '') {
    const c = chars(s);
    let out = '';
    let done = 0;
    for (let i = 0; i <= c.length; i++) {
      if (done < limit) {
        out += to;
        done++;
      }
      if (i < c.length) out += c[i];
    }
    return out;
  }
  let out = '';
  let i = 0;
  let done = 0;
  while (done < limit) {
    const at = s.indexOf(from, i);
    if (at < 0) break;
    out += s.slice(i, at) + to;
    i = at + from.length;
    done++;
  }
  return out + s.slice(i);
}

/** str.split(sep) (an explicit separator; null splits on whitespace runs like Python's default). */
export function split(s: string, sep: string | null): string[] | null {
  if (sep === '') return null;
  if (sep !== null) return s.split(sep);
  const out: string[] = [];
  let cur = '';
  for (const ch of chars(s)) {
    if (WHITESPACE.includes(ch)) {
      if (cur) out.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (cur) out.push(cur);
  return out;
}

/** Jinja's `escape` filter on a plain string (what `|e`, `|escape` and `|forceescape` produce). */
export const htmlEscape = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;').replace(/'/g, '&#39;');

export const toChars = chars;
