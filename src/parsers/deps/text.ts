import type { Location } from '../../types.js';

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** UTF-8 text (a leading BOM dropped, as pip, tomllib and npm do), or null when the bytes are not UTF-8. */
export function decodeUtf8(bytes: Uint8Array): string | null {
  try {
    return decoder.decode(bytes);
  } catch {
    return null;
  }
}

/**
 * Entries written in an unusual spelling (escapes in a JSON key or TOML string) are not found
 * by a plain search; a hostile file full of them would make every search read to the end.
 */
const MAX_MISSES = 64;

/** Offsets to 1-based lines and columns, for pointing at entries found by searching the text. */
export class LineIndex {
  private readonly starts: number[] = [0];
  /** Searches that found nothing; past a few, searching stops (each miss reads the rest of the text). */
  private misses = 0;

  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
  }

  get lineCount(): number {
    return this.starts.length;
  }

  /** Offset of the first character of a 1-based line. */
  lineStart(line: number): number {
    return this.starts[Math.max(0, Math.min(line - 1, this.starts.length - 1))]!;
  }

  at(offset: number): Location {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.starts[lo]! + 1 };
  }

  /** The location of `needle` at or after `from`, or undefined. Plain substring search: no pattern runs on input. */
  find(needle: string, from = 0): { location: Location; offset: number } | undefined {
    if (this.misses > MAX_MISSES) return undefined;
    const i = this.text.indexOf(needle, from);
    if (i < 0) {
      this.misses++;
      return undefined;
    }
    return { location: this.at(i), offset: i };
  }

  /** The first place at or after `from` holding `value` between matching quotes (`"…"` or `'…'`): one forward scan. */
  findQuoted(value: string, from = 0): { location: Location; offset: number } | undefined {
    if (this.misses > MAX_MISSES || value === '') return undefined;
    for (let i = this.text.indexOf(value, from + 1); i >= 0; i = this.text.indexOf(value, i + 1)) {
      const q = this.text[i - 1];
      if ((q === '"' || q === "'") && this.text[i + value.length] === q) return { location: this.at(i - 1), offset: i - 1 };
    }
    this.misses++;
    return undefined;
  }
}
