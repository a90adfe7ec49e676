/**
 * Python's two string-formatting languages, as far as the analysis needs them: which attribute
 * names a `str.format` field walks (the sandbox escape), and the exact result when every part
 * is known (so names assembled with `%`/`|format`/`.format` are seen). Anything not modelled
 * yields `null` (unknown), never a guess.
 */

export interface FormatField {
  /** The field as written between the braces (`0.__class__.__mro__`). */
  text: string;
  /** `arg_name`: '' (auto-numbered), digits, or an identifier. */
  argName: string;
  /** Attribute names (`.name`) and item keys (`[key]`) the field walks, in order. */
  path: Array<{ kind: 'attribute' | 'item'; name: string }>;
  conversion: string;
  spec: string;
}

export type FormatPart = { literal: string } | { field: FormatField };

/** Splits a `str.format` string into literal text and fields; null when Python would raise. */
export function parseFormatString(fmt: string): FormatPart[] | null {
  const parts: FormatPart[] = [];
  let literal = '';
  let i = 0;
  while (i < fmt.length) {
    const c = fmt[i];
    if (c === '{' && fmt[i + 1] === '{') {
      literal += '{';
      i += 2;
      continue;
    }
    if (c === '}' && fmt[i + 1] === '}') {
      literal += '}';
      i += 2;
      continue;
    }
    if (c === '}') return null;
    if (c !== '{') {
      literal += c;
      i++;
      continue;
    }
    // A field; the format spec may hold one level of nested {fields}.
    let depth = 1;
    let j = i + 1;
    let inIndex = false;
    while (j < fmt.length && depth > 0) {
      const d = fmt[j];
      if (inIndex) {
        if (d === ']') inIndex = false;
      } else if (d === '[') inIndex = true;
      else if (d === '{') depth++;
      else if (d === '}') depth--;
      if (depth > 0) j++;
    }
    if (depth !== 0) return null;
    const field = parseField(fmt.slice(i + 1, j));
    if (!field) return null;
    if (literal) parts.push({ literal });
    literal = '';
    parts.push({ field });
    i = j + 1;
  }
  if (literal) parts.push({ literal });
  return parts;
}

function parseField(body: string): FormatField | null {
  // field_name runs to the first '!' or ':' outside an [index].
  let end = 0;
  let inIndex = false;
  for (; end < body.length; end++) {
    const c = body[end];
    if (inIndex) {
      if (c === ']') inIndex = false;
    } else if (c === '[') inIndex = true;
    else if (c === '!' || c === ':') break;
  }
  const name = body.slice(0, end);
  let conversion = '';
  let spec = '';
  let rest = body.slice(end);
  if (rest.startsWith('!')) {
    conversion = rest.slice(1, 2);
    rest = rest.slice(2);
  }
  if (rest.startsWith(':')) spec = rest.slice(1);
  else if (rest !== '') return null;
  let k = 0;
  while (k < name.length && name[k] !== '.' && name[k] !== '[') k++;
  const argName = name.slice(0, k);
  const path: FormatField['path'] = [];
  while (k < name.length) {
    if (name[k] === '.') {
      let e = k + 1;
      while (e < name.length && name[e] !== '.' && name[e] !== '[') e++;
      path.push({ kind: 'attribute', name: name.slice(k + 1, e) });
      k = e;
    } else if (name[k] === '[') {
      const close = name.indexOf(']', k);
      if (close < 0) return null;
      path.push({ kind: 'item', name: name.slice(k + 1, close) });
      k = close + 1;
    } else return null;
  }
  return { text: body, argName, path, conversion, spec };
}

/** Python's repr of a str, near enough for the characters it adds (quotes). */
const reprString = (s: string): string => (s.includes("'") && !s.includes('"') ? `"${s}"` : `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`);

/** A formatting argument whose value is known: a string or an integer. */
export type KnownArg = string | bigint;

function convert(arg: KnownArg, type: string): string | null {
  switch (type) {
    case 's':
      return typeof arg === 'string' ? arg : arg.toString();
    case 'r':
      return typeof arg === 'string' ? reprString(arg) : arg.toString();
    case 'd':
    case 'i':
      return typeof arg === 'bigint' ? arg.toString() : null;
    case 'c':
      if (typeof arg === 'string') return [...arg].length === 1 ? arg : null;
      return arg >= 0n && arg <= 0x10ffffn ? String.fromCodePoint(Number(arg)) : null;
    default:
      return null;
  }
}

/**
 * `fmt % args` for the plain conversions (%s %r %d %i %c %%), no flags, width or mapping keys.
 * Null when anything else is involved or the argument count is wrong (Python would raise).
 */
export function percentFormat(fmt: string, args: readonly KnownArg[]): string | null {
  let out = '';
  let next = 0;
  for (let i = 0; i < fmt.length; i++) {
    const c = fmt[i];
    if (c !== '%') {
      out += c;
      continue;
    }
    const type = fmt[i + 1];
    i++;
    if (type === '%') {
      out += '%';
      continue;
    }
    if (next >= args.length) return null;
    const piece = convert(args[next++], type ?? '');
    if (piece === null) return null;
    out += piece;
  }
  return next === args.length ? out : null;
}

/** Whether a %-format string has a conversion that makes characters from numbers (%c). */
export const percentMakesChars = (fmt: string): boolean => {
  for (let i = 0; i < fmt.length - 1; i++) {
    if (fmt[i] !== '%') continue;
    let j = i + 1;
    // A mapping key `%(name)c` may hold any character up to its closing parenthesis.
    if (fmt[j] === '(') {
      const close = fmt.indexOf(')', j);
      j = close < 0 ? fmt.length : close + 1;
    }
    while (j < fmt.length && '#0- +.0123456789*'.includes(fmt[j])) j++;
    if (fmt[j] === 'c') return true;
    if (fmt[j] === '%') i = j;
  }
  return false;
};

/** `fmt.format(*positional, **keywords)` with plain fields (no attribute paths, spec '' / 's' / 'c' / 'd'). */
export function strFormat(parts: readonly FormatPart[], positional: readonly KnownArg[], keywords: ReadonlyMap<string, KnownArg>): string | null {
  let out = '';
  let auto = 0;
  for (const part of parts) {
    if ('literal' in part) {
      out += part.literal;
      continue;
    }
    const f = part.field;
    if (f.path.length > 0) return null;
    let arg: KnownArg | undefined;
    if (f.argName === '') arg = positional[auto++];
    else if (/^[0-9]+$/.test(f.argName)) arg = positional[Number(f.argName)];
    else arg = keywords.get(f.argName);
    if (arg === undefined) return null;
    const type = f.conversion === 'r' ? 'r' : f.spec === '' || f.spec === 's' ? 's' : f.spec === 'c' ? 'c' : f.spec === 'd' ? 'd' : null;
    if (type === null) return null;
    const piece = convert(arg, type);
    if (piece === null) return null;
    out += piece;
  }
  return out;
}

/** Whether a `str.format` string has a field that makes characters from numbers (`{:c}`) or has a nested spec. */
export const formatMakesChars = (parts: readonly FormatPart[]): boolean => parts.some((p) => 'field' in p && (p.field.spec.includes('c') || p.field.spec.includes('{')));
