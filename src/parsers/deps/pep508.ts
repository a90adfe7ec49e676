import { parseSpecifier } from './pep440.js';

/**
 * PEP 508 dependency specifications (`name[extra] >=1.0, <2 ; python_version < "3.8"`, `name @ url`),
 * as pip, uv and poetry read them from requirements files and `pyproject.toml`. Scanned by hand,
 * one character at a time: no regular expression runs over a whole line.
 */

export interface Requirement {
  /** As written (not normalised). */
  name: string;
  extras: string[];
  /** Clauses joined by `,` without spaces; '' when none. */
  specifier: string;
  url?: string;
  marker?: string;
}

export type ParsedRequirement = { ok: true; requirement: Requirement } | { ok: false; error: string };

/** PEP 503 normal form: lower case, every run of `-`, `_`, `.` one `-`. */
export function normalizeName(name: string): string {
  let out = '';
  let sep = false;
  for (const ch of name.toLowerCase()) {
    if (ch === '-' || ch === '_' || ch === '.') sep = true;
    else {
      if (sep && out) out += '-';
      sep = false;
      out += ch;
    }
  }
  return out;
}

const isAlnum = (c: string | undefined): boolean => c !== undefined && /^[A-Za-z0-9]$/.test(c);
const isNameChar = (c: string | undefined): boolean => c !== undefined && /^[A-Za-z0-9._-]$/.test(c);
const isSpace = (c: string | undefined): boolean => c === ' ' || c === '\t';

const CLAUSE = /^(~=|===|==|!=|<=|>=|<|>)\s*([^\s,;()]+)$/;

/** One specifier clause as `op` + version, or undefined when it is not one. */
export function splitClause(clause: string): { op: string; version: string } | undefined {
  const m = CLAUSE.exec(clause.trim());
  return m ? { op: m[1]!, version: m[2]! } : undefined;
}

/** A comma-separated specifier list, normalised (`>= 2.0 , <3` → `>=2.0,<3`), or an error. */
export function normalizeSpecifier(text: string): { ok: true; specifier: string } | { ok: false; error: string } {
  if (text.trim() === '') return { ok: true, specifier: '' };
  const parts: string[] = [];
  for (const raw of text.split(',')) {
    const clause = splitClause(raw);
    if (!clause) return { ok: false, error: `'${raw.trim()}' is not a version specifier` };
    parts.push(`${clause.op}${clause.version}`);
  }
  return { ok: true, specifier: parts.join(',') };
}

export function parseRequirement(text: string): ParsedRequirement {
  const s = text;
  let i = 0;
  const skip = (): void => {
    while (isSpace(s[i])) i++;
  };
  skip();
  const nameStart = i;
  if (!isAlnum(s[i])) return { ok: false, error: 'a requirement starts with a package name' };
  while (isNameChar(s[i])) i++;
  // A name may not end in `.`, `-` or `_`.
  while (i > nameStart + 1 && !isAlnum(s[i - 1])) i--;
  const name = s.slice(nameStart, i);
  skip();
  const extras: string[] = [];
  if (s[i] === '[') {
    const close = s.indexOf(']', i);
    if (close < 0) return { ok: false, error: 'unclosed extras bracket' };
    for (const e of s.slice(i + 1, close).split(',')) {
      const extra = e.trim();
      if (extra === '') continue;
      if (![...extra].every(isNameChar)) return { ok: false, error: `'${extra}' is not an extra name` };
      extras.push(extra);
    }
    i = close + 1;
    skip();
  }
  let specifier = '';
  let url: string | undefined;
  if (s[i] === '@') {
    i++;
    skip();
    const start = i;
    while (i < s.length && !isSpace(s[i])) i++;
    url = s.slice(start, i);
    if (url === '') return { ok: false, error: "'@' without a URL" };
    skip();
  } else {
    const stop = s.indexOf(';', i);
    let spec = s.slice(i, stop < 0 ? s.length : stop).trim();
    if (spec.startsWith('(')) {
      if (!spec.endsWith(')')) return { ok: false, error: 'unclosed parenthesis around the version specifier' };
      spec = spec.slice(1, -1);
    }
    const normal = normalizeSpecifier(spec);
    if (!normal.ok) return normal;
    // pip, uv and poetry refuse a requirement whose versions are not PEP 440.
    if (!parseSpecifier(normal.specifier)) return { ok: false, error: `'${normal.specifier}' is not a PEP 440 version specifier` };
    specifier = normal.specifier;
    i = stop < 0 ? s.length : stop;
  }
  let marker: string | undefined;
  if (s[i] === ';') {
    marker = s.slice(i + 1).trim();
    if (marker === '') return { ok: false, error: "';' without an environment marker" };
    i = s.length;
  }
  if (i < s.length) return { ok: false, error: `unexpected '${s.slice(i, i + 20)}'` };
  return { ok: true, requirement: { name, extras, specifier, ...(url ? { url } : {}), ...(marker ? { marker } : {}) } };
}

/** A `==X` or `===X` pin (no wildcard) among a specifier's clauses: the one version it allows. */
export function pinnedVersion(specifier: string): string | undefined {
  if (!specifier) return undefined;
  for (const raw of specifier.split(',')) {
    const c = splitClause(raw);
    if (c && (c.op === '===' || (c.op === '==' && !c.version.endsWith('.*')))) return c.version;
  }
  return undefined;
}
