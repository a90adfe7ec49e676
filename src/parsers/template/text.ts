/**
 * Decodes UTF-8 the way Python's `open(..., encoding='utf-8')` does: invalid bytes are an
 * error, and a byte-order mark stays in the text (so JSON with a BOM fails as `json.load` does).
 */
export function decodeUtf8(bytes: Uint8Array): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return null;
  }
}

/** The characters JavaScript's `\s` matches (what @huggingface/jinja's preprocessing regexes see as whitespace). */
function isJsWhitespace(code: number): boolean {
  return (
    (code >= 9 && code <= 13) ||
    code === 32 ||
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}

/**
 * @huggingface/jinja's preprocessing regex `(\s*){%…generation…%}` backtracks quadratically over a
 * long whitespace run (100 000 spaces cost seconds). Runs longer than `max` are cut to `max`
 * characters before tokenizing. `shortened` tells the caller that character positions inside
 * string literals may differ from the original, so position-dependent evaluation must not be trusted.
 */
export function shortenWhitespaceRuns(text: string, max: number): { text: string; shortened: boolean } {
  const parts: string[] = [];
  let kept = 0;
  let runStart = -1;
  for (let i = 0; i <= text.length; i++) {
    const space = i < text.length && isJsWhitespace(text.charCodeAt(i));
    if (space) {
      if (runStart < 0) runStart = i;
      continue;
    }
    if (runStart >= 0 && i - runStart > max) {
      parts.push(text.slice(kept, runStart + max));
      kept = i;
    }
    runStart = -1;
  }
  if (parts.length === 0) return { text, shortened: false };
  parts.push(text.slice(kept));
  return { text: parts.join(''), shortened: true };
}

/** 1-based line and column of a character index. */
export function lineColumn(text: string, index: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < index && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: index - lineStart + 1 };
}

const DIGIT_NAMES = ['ZERO', 'ONE', 'TWO', 'THREE', 'FOUR', 'FIVE', 'SIX', 'SEVEN', 'EIGHT', 'NINE'];
const CHARACTER_NAMES: ReadonlyMap<string, number> = new Map([
  ['LOW LINE', 0x5f],
  ['FULL STOP', 0x2e],
  ['SPACE', 0x20],
  ['HYPHEN-MINUS', 0x2d],
  ['COLON', 0x3a],
  ['COMMA', 0x2c],
  ['APOSTROPHE', 0x27],
  ['QUOTATION MARK', 0x22],
  ['LEFT SQUARE BRACKET', 0x5b],
  ['RIGHT SQUARE BRACKET', 0x5d],
]);

/** The code point `\N{name}` stands for, for the ASCII names a template could spell a name with. */
function namedCharacter(name: string): number | null {
  const upper = name.toUpperCase();
  const known = CHARACTER_NAMES.get(upper);
  if (known !== undefined) return known;
  const letter = /^LATIN (SMALL|CAPITAL) LETTER ([A-Z])$/.exec(upper);
  if (letter) return letter[1] === 'SMALL' ? letter[2].toLowerCase().charCodeAt(0) : letter[2].charCodeAt(0);
  const digit = /^DIGIT ([A-Z]+)$/.exec(upper);
  if (digit && DIGIT_NAMES.includes(digit[1])) return 0x30 + DIGIT_NAMES.indexOf(digit[1]);
  return null;
}

const hex4 = (code: number): string => `\\u${code.toString(16).padStart(4, '0')}`;
const asUnicodeEscape = (code: number): string => (code <= 0xffff ? hex4(code) : hex4(0xd800 + ((code - 0x10000) >> 10)) + hex4(0xdc00 + ((code - 0x10000) & 0x3ff)));
const isOctal = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '7';
const isHex = (c: string | undefined): boolean => c !== undefined && /^[0-9a-fA-F]$/.test(c);
const HF_ESCAPES = new Set(['n', 't', 'r', 'b', 'f', 'v', "'", '"', '\\', 'x', 'u']);

/**
 * Jinja2 decodes string literals with Python's unicode-escape codec, which knows escapes
 * @huggingface/jinja's lexer rejects: octal (`\137` is `_`), `\N{LOW LINE}`, `\UXXXXXXXX`, `\a`,
 * a backslash-newline (removed), and unknown ones (kept as a backslash). They are rewritten into
 * escapes that lexer decodes to the same characters, so `'\137\137class\137\137'` is seen as
 * `'__class__'`, as Jinja2 sees it. Outside string literals backslashes are plain text in both,
 * so rewriting them there only changes output text. An unknown `\N{…}` name is left alone (the
 * lexer then rejects the template, which is reported as not checked).
 */
export function normalisePythonEscapes(text: string): string {
  if (!text.includes('\\')) return text;
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c !== '\\' || i + 1 >= text.length) {
      out += c;
      i++;
      continue;
    }
    const next = text[i + 1];
    if (isOctal(next)) {
      let j = i + 1;
      while (j < i + 4 && isOctal(text[j])) j++;
      out += hex4(parseInt(text.slice(i + 1, j), 8));
      i = j;
    } else if (next === 'U' && [...text.slice(i + 2, i + 10)].length === 8 && [...text.slice(i + 2, i + 10)].every(isHex) && parseInt(text.slice(i + 2, i + 10), 16) <= 0x10ffff) {
      out += asUnicodeEscape(parseInt(text.slice(i + 2, i + 10), 16));
      i += 10;
    } else if (next === 'N' && text[i + 2] === '{') {
      const close = text.indexOf('}', i + 3);
      const code = close > 0 && close - i < 100 ? namedCharacter(text.slice(i + 3, close)) : null;
      if (code === null) {
        out += '\\N';
        i += 2;
      } else {
        out += hex4(code);
        i = close + 1;
      }
    } else if (next === 'a') {
      out += hex4(7);
      i += 2;
    } else if (next === '\n') {
      i += 2;
    } else if (HF_ESCAPES.has(next)) {
      out += c + next;
      i += 2;
    } else {
      out += '\\\\';
      i++;
    }
  }
  return out;
}
