/**
 * requirements and constraints files, read the way pip's `req_file.py` reads them: backslash
 * continuations joined first, then comments (`#` at the start or after whitespace) dropped, then
 * each line is an option (`-r`, `-c`, `-e`, `--index-url`, …) or a requirement whose own options
 * (`--hash=…`) start at the first word beginning with `-`.
 */
import type { Anomaly } from '../../types.js';
import { anomaly } from '../anomaly.js';
import { DEPS_CODES } from './codes.js';
import { normalizeName, parseRequirement } from './pep508.js';
import { pypiDependency } from './pypi.js';
import type { Dependency, ManifestInclude } from './types.js';

export interface RequirementsParse {
  dependencies: Dependency[];
  includes: ManifestInclude[];
  anomalies: Anomaly[];
}

interface LogicalLine {
  line: number;
  text: string;
}

const isSpace = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\f' || c === '\v';

/** Where a comment starts (`#` at the start or after whitespace), or -1. */
function commentStart(line: string): number {
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '#' && (i === 0 || isSpace(line[i - 1]))) return i;
  }
  return -1;
}

/** pip's `line.strip("\\")`: backslashes off both ends. */
function stripBackslashes(line: string): string {
  let a = 0;
  let b = line.length;
  while (a < b && line[a] === '\\') a++;
  while (b > a && line[b - 1] === '\\') b--;
  return line.slice(a, b);
}

function* logicalLines(text: string): Generator<LogicalLine> {
  const physical = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  let pending: string[] = [];
  let first = 0;
  for (let n = 0; n < physical.length; n++) {
    const line = physical[n]!;
    const isComment = commentStart(line.trimStart()) === 0;
    if (!line.endsWith('\\') || isComment) {
      if (pending.length) {
        pending.push(line);
        yield { line: first + 1, text: pending.join('') };
        pending = [];
      } else yield { line: n + 1, text: line };
    } else {
      if (!pending.length) first = n;
      pending.push(stripBackslashes(line));
    }
  }
  if (pending.length) yield { line: first + 1, text: pending.join('') };
}

const INCLUDE_OPTIONS: Record<string, ManifestInclude['kind']> = { '-r': 'requirements', '--requirement': 'requirements', '-c': 'constraints', '--constraint': 'constraints' };
const EDITABLE_OPTIONS = new Set(['-e', '--editable']);
/** pip's file-level options that carry no dependency (req_file.py SUPPORTED_OPTIONS). */
const OTHER_OPTIONS = new Set([
  '-i', '--index-url', '--extra-index-url', '--no-index', '-f', '--find-links', '--no-binary', '--only-binary', '--prefer-binary',
  '--require-hashes', '--pre', '--trusted-host', '--use-feature', '--hash', '--global-option', '--config-settings',
]);

/** `-rfile`, `-r file`, `--requirement=file` → option and value. */
function splitOption(line: string): { option: string; value: string } {
  const space = line.search(/[\s=]/);
  if (line.startsWith('--')) {
    if (space < 0) return { option: line, value: '' };
    return { option: line.slice(0, space), value: line.slice(space + 1).trim() };
  }
  const option = line.slice(0, 2);
  return { option, value: line.slice(2).replace(/^[\s=]+/, '').trim() };
}

const looksLikeUrlOrPath = (s: string): boolean => /^[a-z][a-z0-9+.-]*:/i.test(s) || s.startsWith('.') || s.startsWith('/') || s.startsWith('~');

/** The project a direct reference installs, when it says: `#egg=name`, or a wheel's or sdist's file name. */
function nameFromReference(ref: string): string | undefined {
  const egg = /[#&]egg=([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(ref);
  if (egg) return egg[1]!;
  let file = ref.split(/[?#]/)[0]!.split('/').pop() ?? '';
  // File names are short; the length cap keeps the patterns below linear in practice.
  if (file.length > 255) return undefined;
  try {
    file = decodeURIComponent(file);
  } catch {
    return undefined;
  }
  const wheel = /^([A-Za-z0-9][A-Za-z0-9._]*)-[^-]+(-[^-]+)?-[^-]+-[^-]+-[^-]+\.whl$/.exec(file);
  if (wheel) return wheel[1]!;
  const sdist = /^([A-Za-z0-9][A-Za-z0-9._-]*?)-\d[^-]*\.(tar\.gz|zip)$/.exec(file);
  return sdist?.[1];
}

function directDependency(ref: string, line: number, column: number, written: string): Dependency | undefined {
  const name = nameFromReference(ref);
  if (!name) return undefined;
  return { ecosystem: 'pypi', name: normalizeName(name), direct: ref, location: { line, column }, written };
}

export function parseRequirementsText(text: string): RequirementsParse {
  const out: RequirementsParse = { dependencies: [], includes: [], anomalies: [] };
  for (const logical of logicalLines(text)) {
    const cut = commentStart(logical.text);
    const raw = cut < 0 ? logical.text : logical.text.slice(0, cut);
    const written = raw.trim();
    if (written === '') continue;
    const column = raw.length - raw.trimStart().length + 1;
    const invalid = (why: string): void => {
      out.anomalies.push(anomaly(DEPS_CODES.invalidEntry, `line ${logical.line} is not a requirement pip accepts (${why}), so pip refuses the whole file`, undefined, { line: logical.line, written }));
    };
    if (written.startsWith('-')) {
      const { option, value } = splitOption(written);
      const include = INCLUDE_OPTIONS[option];
      if (include) {
        if (value === '') invalid(`${option} needs a file name`);
        else out.includes.push({ kind: include, target: value, line: logical.line });
      } else if (EDITABLE_OPTIONS.has(option)) {
        if (value === '') invalid(`${option} needs a path or URL`);
        else {
          const dep = directDependency(value, logical.line, column, written);
          if (dep) out.dependencies.push(dep);
        }
      } else if (!OTHER_OPTIONS.has(option)) invalid(`unknown option ${option}`);
      continue;
    }
    // The requirement ends where its own options (`--hash=…`) begin: the first word starting with '-'.
    const words = written.split(' ');
    const firstOption = words.findIndex((w, k) => k > 0 && w.startsWith('-'));
    const requirement = (firstOption < 0 ? words : words.slice(0, firstOption)).join(' ').trim();
    if (looksLikeUrlOrPath(requirement)) {
      const dep = directDependency(requirement, logical.line, column, written);
      if (dep) out.dependencies.push(dep);
      continue;
    }
    const parsed = parseRequirement(requirement);
    if (!parsed.ok) {
      invalid(parsed.error);
      continue;
    }
    out.dependencies.push(pypiDependency(parsed.requirement, written, { line: logical.line, column }));
  }
  return out;
}
