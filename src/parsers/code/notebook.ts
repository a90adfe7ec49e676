import type { Anomaly, Location } from '../../types.js';
import { anomaly } from '../anomaly.js';
import { CODE_CODES } from './codes.js';

/** A notebook's code cells as one Python module, and how to map a module line back to its cell. */
export interface NotebookModule {
  /** The code cells joined, magics and shell lines replaced by `pass` so every other line keeps its number. */
  text: string;
  /** 0-based module row where each code cell starts. */
  cellStarts: number[];
  /** The kernel's language when it is not Python: then `text` is empty. */
  foreignLanguage?: string;
  anomalies: Anomaly[];
}

/** Cell magics whose body IPython runs as Python; every other cell magic (`%%bash`, `%%writefile`) hands its body elsewhere. */
const PYTHON_CELL_MAGICS: ReadonlySet<string> = new Set(['time', 'timeit', 'capture', 'prun', 'debug']);

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * IPython syntax that is not Python: `%magic`, `!shell`, `x = !cmd`, `x = %magic`, `name?` help.
 * The line becomes `pass` at its indentation, so a block keeps a body and columns elsewhere hold.
 * Patterns are anchored and use only bounded or disjoint repetitions.
 */
function neutraliseLine(line: string): string {
  const m = /^([ \t]*)(.*)$/s.exec(line)!;
  const indent = m[1]!;
  const rest = m[2]!;
  if (rest.startsWith('%') || rest.startsWith('!')) return `${indent}pass`;
  // `files = !ls` and `t = %timeit -o f()` assign the command's output.
  if (/^[\w.]+[ \t]*(?:,[ \t]*[\w.]+[ \t]*)*=[ \t]*[!%]/.test(rest)) return `${indent}pass`;
  if (/^\?{1,2}[\w.]+[ \t]*$/.test(rest) || /^[\w.]+\?{1,2}[ \t]*$/.test(rest)) return `${indent}pass`;
  return line;
}

function cellText(source: unknown): string | undefined {
  if (typeof source === 'string') return source;
  if (Array.isArray(source) && source.every((s) => typeof s === 'string')) return source.join('');
  return undefined;
}

/** A cell's lines with IPython syntax neutralised; a non-Python cell magic empties the cell (its line count kept). */
function pythonOfCell(text: string): string[] {
  const lines = text.split(/\r\n|\r|\n/);
  const first = /^%%([\w-]+)/.exec(lines[0] ?? '');
  if (first) {
    if (!PYTHON_CELL_MAGICS.has(first[1]!)) return lines.map(() => '');
    return ['pass', ...lines.slice(1).map(neutraliseLine)];
  }
  return lines.map(neutraliseLine);
}

function kernelLanguage(metadata: unknown): string | undefined {
  if (!isRecord(metadata)) return undefined;
  const spec = metadata['kernelspec'];
  const info = metadata['language_info'];
  const fromSpec = isRecord(spec) && typeof spec['language'] === 'string' ? spec['language'] : undefined;
  const fromInfo = isRecord(info) && typeof info['name'] === 'string' ? info['name'] : undefined;
  return fromSpec ?? fromInfo;
}

/** nbformat 4 lists `cells`; nbformat 3 nests them in `worksheets[].cells` with code in `input`. */
function codeCellsOf(doc: Record<string, unknown>): { sources: unknown[] } | undefined {
  if (Array.isArray(doc['cells'])) {
    return { sources: doc['cells'].filter((c) => isRecord(c) && c['cell_type'] === 'code').map((c) => (c as Record<string, unknown>)['source']) };
  }
  if (Array.isArray(doc['worksheets'])) {
    const cells = doc['worksheets'].flatMap((w) => (isRecord(w) && Array.isArray(w['cells']) ? w['cells'] : []));
    return { sources: cells.filter((c) => isRecord(c) && c['cell_type'] === 'code').map((c) => (c as Record<string, unknown>)['input']) };
  }
  return undefined;
}

/** Reads a notebook's JSON into one Python module of its code cells (Jupyter runs them in one namespace, in order). */
export function notebookModule(json: string): NotebookModule | { anomaly: Anomaly } {
  let doc: unknown;
  try {
    doc = JSON.parse(json);
  } catch (err) {
    return { anomaly: anomaly(CODE_CODES.malformed, `the notebook is not valid JSON (${(err as Error).message}), so Jupyter cannot open it and its code was not read`, undefined, { problem: 'json' }) };
  }
  if (!isRecord(doc)) return { anomaly: anomaly(CODE_CODES.malformed, 'the notebook is not a JSON object, so its code was not read', undefined, { problem: 'structure' }) };
  const cells = codeCellsOf(doc);
  if (!cells) return { anomaly: anomaly(CODE_CODES.malformed, 'the notebook lists no cells (neither nbformat 4 `cells` nor nbformat 3 `worksheets`), so its code was not read', undefined, { problem: 'structure' }) };
  const anomalies: Anomaly[] = [];
  const language = kernelLanguage(doc['metadata']);
  const cellStarts: number[] = [];
  const lines: string[] = [];
  cells.sources.forEach((source, i) => {
    cellStarts.push(lines.length);
    const text = cellText(source);
    if (text === undefined) {
      anomalies.push(anomaly(CODE_CODES.malformed, `code cell ${i + 1} has a source that is neither a string nor a list of strings, so it was not read`, undefined, { problem: 'cell-source', cell: i + 1 }));
      lines.push('');
      return;
    }
    lines.push(...pythonOfCell(text));
  });
  if (language !== undefined && !/^i?python/i.test(language)) return { text: '', cellStarts, foreignLanguage: language, anomalies };
  return { text: lines.join('\n') + '\n', cellStarts, anomalies };
}

/** Maps a module location to `{cell, line within the cell, column}`. */
export function cellLocation(location: Location, cellStarts: readonly number[]): Location {
  if (location.line === undefined || cellStarts.length === 0) return location;
  const row = location.line - 1;
  // The last cell starting at or before the row (cells are in order; empty cells share a start).
  let lo = 0;
  let hi = cellStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (cellStarts[mid]! <= row) lo = mid;
    else hi = mid - 1;
  }
  return { ...location, cell: lo + 1, line: row - cellStarts[lo]! + 1 };
}
