/**
 * `pyproject.toml`: PEP 621 `[project]` dependencies and optional-dependencies, PEP 735
 * `[dependency-groups]`, and Poetry's `[tool.poetry.dependencies]`, `dev-dependencies` and
 * `group.<name>.dependencies` (Poetry constraint syntax converted to PEP 440).
 */
import type { Anomaly, Location } from '../../types.js';
import { anomaly } from '../anomaly.js';
import { DEPS_CODES } from './codes.js';
import { normalizeName, parseRequirement } from './pep508.js';
import { parseSpecifier } from './pep440.js';
import { poetryToPep440 } from './poetry-constraint.js';
import { pypiDependency } from './pypi.js';
import { isTable, tableAt, TomlLines, type TomlTable } from './toml.js';
import type { Dependency, DependencyManifestKind } from './types.js';

export interface PyprojectParse {
  kind: DependencyManifestKind;
  dependencies: Dependency[];
  anomalies: Anomaly[];
}

class Collector {
  readonly dependencies: Dependency[] = [];
  readonly anomalies: Anomaly[] = [];
  constructor(readonly lines: TomlLines) {}

  malformed(what: string, line?: number): void {
    this.anomalies.push(anomaly(DEPS_CODES.malformed, `${what}, so the installer refuses pyproject.toml`, undefined, line ? { line } : undefined));
  }

  invalid(what: string, written: string, location: Location | undefined): void {
    this.anomalies.push(anomaly(DEPS_CODES.invalidEntry, what, undefined, { written, ...(location?.line ? { line: location.line } : {}) }));
  }
}

/** A PEP 508 string list (`dependencies`, one extra, one dependency group). */
function pep508List(c: Collector, list: unknown, where: string, headerLine: number | undefined, group?: string): void {
  if (!Array.isArray(list)) {
    c.malformed(`${where} is not an array`, headerLine);
    return;
  }
  let from = c.lines.offsetOf(headerLine ?? 1);
  for (const item of list) {
    // PEP 735: `{include-group = "x"}` pulls in another group, which is read on its own.
    if (isTable(item) && typeof item['include-group'] === 'string') continue;
    if (typeof item !== 'string') {
      c.malformed(`${where} holds a ${Array.isArray(item) ? 'list' : typeof item} where a requirement string belongs`, headerLine);
      continue;
    }
    const found = c.lines.stringAt(item, from);
    if (found) from = found.next;
    const location = found?.location;
    const parsed = parseRequirement(item);
    if (!parsed.ok) c.invalid(`'${item}' in ${where} is not a valid requirement (${parsed.error})`, item, location ?? (headerLine ? { line: headerLine } : undefined));
    else c.dependencies.push(pypiDependency(parsed.requirement, item, location ?? (headerLine ? { line: headerLine } : undefined), group));
  }
}

function pep621(c: Collector, doc: TomlTable): void {
  const project = doc.project;
  if (project === undefined) return;
  if (!isTable(project)) return c.malformed('[project] is not a table');
  const projectLine = c.lines.header('project');
  if (project.dependencies !== undefined) pep508List(c, project.dependencies, 'project.dependencies', projectLine);
  const optional = project['optional-dependencies'];
  if (optional !== undefined) {
    if (!isTable(optional)) c.malformed('project.optional-dependencies is not a table', projectLine);
    else {
      const line = c.lines.header('project.optional-dependencies') ?? projectLine;
      for (const [extra, list] of Object.entries(optional)) pep508List(c, list, `project.optional-dependencies.${extra}`, line, extra);
    }
  }
  const groups = doc['dependency-groups'];
  if (groups !== undefined) {
    if (!isTable(groups)) c.malformed('[dependency-groups] is not a table');
    else {
      const line = c.lines.header('dependency-groups');
      for (const [group, list] of Object.entries(groups)) pep508List(c, list, `dependency-groups.${group}`, line, group);
    }
  }
}

/** One Poetry dependency value: a constraint string, a table, or a list of tables (per-marker constraints). */
function poetryDependency(c: Collector, key: string, value: unknown, location: Location | undefined, group: string | undefined): void {
  const written = `${key} = ${JSON.stringify(value)}`;
  const base = { ecosystem: 'pypi' as const, name: normalizeName(key), ...(location ? { location } : {}), written, ...(group ? { group } : {}) };
  const entries = Array.isArray(value) ? value : [value];
  const alternatives: string[] = [];
  let direct: string | undefined;
  const extras = new Set<string>();
  const markers: string[] = [];
  for (const entry of entries) {
    let constraint: unknown;
    if (typeof entry === 'string') constraint = entry;
    else if (isTable(entry)) {
      constraint = entry.version;
      for (const k of ['git', 'url', 'path'] as const) if (typeof entry[k] === 'string' && constraint === undefined) direct ??= String(entry[k]);
      if (Array.isArray(entry.extras)) for (const e of entry.extras) if (typeof e === 'string') extras.add(e);
      if (typeof entry.markers === 'string') markers.push(entry.markers);
      if (typeof entry.python === 'string') markers.push(`python_version ${entry.python}`);
      if (constraint === undefined && direct === undefined) constraint = '*';
    } else {
      c.invalid(`tool.poetry dependency ${key} is a ${typeof entry}, not a constraint or table`, written, location);
      return;
    }
    if (constraint === undefined) continue;
    if (typeof constraint !== 'string') {
      c.invalid(`tool.poetry dependency ${key} has a non-string version`, written, location);
      return;
    }
    const converted = poetryToPep440(constraint);
    if (!converted.ok || !parseSpecifier(converted.specifier)) {
      c.invalid(`tool.poetry dependency ${key}: ${converted.ok ? `'${constraint}' is not a version constraint Poetry accepts` : converted.error}`, written, location);
      return;
    }
    alternatives.push(converted.specifier);
  }
  const meta = { ...(extras.size ? { extras: [...extras] } : {}), ...(markers.length ? { marker: markers.join(' or ') } : {}) };
  if (alternatives.length === 0) {
    c.dependencies.push({ ...base, ...(direct ? { direct } : {}), ...meta });
    return;
  }
  // Any alternative without a bound admits every version.
  const specifier = alternatives.includes('') ? '' : alternatives.join(' || ');
  const pin = /^==([^,*|\s]+)$/.exec(specifier);
  c.dependencies.push({ ...base, ...(pin ? { version: pin[1]! } : specifier ? { specifier } : {}), ...meta });
}

function poetryTable(c: Collector, deps: unknown, path: string[], group: string | undefined): void {
  if (deps === undefined) return;
  const header = c.lines.header(path.join('.'));
  if (!isTable(deps)) return c.malformed(`[${path.join('.')}] is not a table`, header);
  for (const [key, value] of Object.entries(deps)) {
    // The Python version the project supports, not a package.
    if (key === 'python' && group === undefined) continue;
    const location = (header ? c.lines.keyLine(key, header) : undefined) ?? (() => {
      const own = c.lines.header([...path, key].join('.'));
      return own ? { line: own } : header ? { line: header } : undefined;
    })();
    poetryDependency(c, key, value, location, group);
  }
}

function poetry(c: Collector, doc: TomlTable): boolean {
  const tool = tableAt(doc, 'tool', 'poetry');
  if (!isTable(tool)) return false;
  poetryTable(c, tool.dependencies, ['tool', 'poetry', 'dependencies'], undefined);
  poetryTable(c, tool['dev-dependencies'], ['tool', 'poetry', 'dev-dependencies'], 'dev');
  const groups = tool.group;
  if (isTable(groups)) {
    for (const [name, g] of Object.entries(groups)) {
      if (isTable(g)) poetryTable(c, g.dependencies, ['tool', 'poetry', 'group', name, 'dependencies'], name);
    }
  }
  return tool.dependencies !== undefined || tool['dev-dependencies'] !== undefined || groups !== undefined;
}

export function parsePyproject(doc: TomlTable, text: string): PyprojectParse {
  const c = new Collector(new TomlLines(text));
  pep621(c, doc);
  const isPoetry = poetry(c, doc);
  return { kind: isPoetry ? 'pyproject-poetry' : 'pyproject-pep621', dependencies: c.dependencies, anomalies: c.anomalies };
}
