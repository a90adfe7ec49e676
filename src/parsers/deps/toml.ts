import { parse, TomlError } from 'smol-toml';
import type { Location } from '../../types.js';
import { LineIndex } from './text.js';

export type TomlTable = Record<string, unknown>;

/** Inline tables and arrays nest at most this deep in any manifest a tool writes. */
const MAX_TOML_DEPTH = 64;

export function parseToml(text: string): { ok: true; table: TomlTable } | { ok: false; error: string; line?: number } {
  try {
    // smol-toml builds tables with Object.create(null): a `__proto__` key is data, never a prototype.
    return { ok: true, table: parse(text, { maxDepth: MAX_TOML_DEPTH }) as TomlTable };
  } catch (err) {
    if (err instanceof TomlError) return { ok: false, error: err.message.split('\n')[0]!, line: err.line };
    return { ok: false, error: (err as Error).message ?? String(err) };
  }
}

export const isTable = (v: unknown): v is TomlTable => typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);

/** `t[a][b]…` when each step is a table, else undefined. */
export function tableAt(t: TomlTable, ...path: string[]): unknown {
  let cur: unknown = t;
  for (const key of path) {
    if (!isTable(cur) || !Object.prototype.hasOwnProperty.call(cur, key)) return undefined;
    cur = cur[key];
  }
  return cur;
}

/**
 * Finds where entries sit in TOML text by looking at lines, simply: table headers and
 * `key =` lines, indexed once so a file with many entries costs one pass. TOML allows other
 * spellings (dotted keys, quoted headers); an entry not found this way gets its table's line, or none.
 */
export class TomlLines {
  private readonly lines: string[];
  private readonly index: LineIndex;
  /** Header text without spaces (`[a.b]`, `[[package]]`) → its 1-based lines, in order. */
  private readonly headers = new Map<string, number[]>();
  /** Per table (the line of its header, 0 for the root table): key → location of `key =`. */
  private readonly keys = new Map<number, Map<string, Location>>();

  constructor(text: string) {
    this.index = new LineIndex(text);
    this.lines = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
    let table = 0;
    this.keys.set(0, new Map());
    this.lines.forEach((line, i) => {
      const t = line.trim();
      if (t.startsWith('[')) {
        const end = t.lastIndexOf(']');
        const inner = t.slice(0, end + 1).replace(/\s+/g, '');
        const list = this.headers.get(inner) ?? [];
        list.push(i + 1);
        this.headers.set(inner, list);
        table = i + 1;
        this.keys.set(table, new Map());
        return;
      }
      const eq = t.indexOf('=');
      if (eq <= 0) return;
      let key = t.slice(0, eq).trim();
      if (key.length >= 2 && (key[0] === '"' || key[0] === "'") && key.endsWith(key[0]!)) key = key.slice(1, -1);
      const keys = this.keys.get(table)!;
      if (!keys.has(key)) keys.set(key, { line: i + 1, column: line.length - line.trimStart().length + 1 });
    });
  }

  /** 1-based line of `[header]` (or `[[header]]`), matched with inner spaces ignored. */
  header(header: string): number | undefined {
    const want = header.replace(/\s+/g, '');
    return this.headers.get(`[${want}]`)?.[0] ?? this.headers.get(`[[${want}]]`)?.[0];
  }

  /** Every `[[header]]` line, in order. */
  arrayHeaders(header: string): number[] {
    return this.headers.get(`[[${header}]]`) ?? [];
  }

  /** The `key = …` line within the table whose header is on line `table`. */
  keyLine(key: string, table: number): Location | undefined {
    return this.keys.get(table)?.get(key);
  }

  /** The first place at or after `from` (an offset) holding `value` as a quoted string, and the offset after it. */
  stringAt(value: string, from: number): { location: Location; next: number } | undefined {
    const hit = this.index.findQuoted(value, from);
    return hit ? { location: { line: hit.location.line!, column: hit.location.column! + 1 }, next: hit.offset + value.length + 2 } : undefined;
  }

  /** Offset of the start of a 1-based line. */
  offsetOf(line: number): number {
    return this.index.lineStart(line);
  }
}
