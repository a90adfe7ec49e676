/** Python lock files: `poetry.lock` and `uv.lock` (`[[package]]` name/version), `Pipfile.lock` (JSON, `==x`). */
import type { Anomaly, Location } from '../../types.js';
import { anomaly } from '../anomaly.js';
import { DEPS_CODES } from './codes.js';
import { normalizeName } from './pep508.js';
import { LineIndex } from './text.js';
import { isTable, TomlLines, type TomlTable } from './toml.js';
import type { Dependency } from './types.js';

export interface LockParse {
  dependencies: Dependency[];
  anomalies: Anomaly[];
}

/** The source kinds after which a uv.lock entry is a direct reference, not an index release. */
const UV_DIRECT_SOURCES = ['git', 'url', 'path', 'directory'] as const;

export function parseTomlLock(doc: TomlTable, text: string, tool: 'poetry' | 'uv'): LockParse {
  const out: LockParse = { dependencies: [], anomalies: [] };
  const file = tool === 'poetry' ? 'poetry.lock' : 'uv.lock';
  const packages = doc.package;
  if (packages === undefined) return out;
  if (!Array.isArray(packages)) {
    out.anomalies.push(anomaly(DEPS_CODES.malformed, `${file}'s package entry is not an array of tables, so ${tool} refuses the lock file`));
    return out;
  }
  const lines = new TomlLines(text);
  const headers = lines.arrayHeaders('package');
  packages.forEach((entry, i) => {
    const header = headers[i];
    const location: Location | undefined = header ? (lines.keyLine('name', header) ?? { line: header }) : undefined;
    const invalid = (why: string): void => {
      out.anomalies.push(anomaly(DEPS_CODES.invalidEntry, `${file} package entry ${i + 1} ${why}`, undefined, { index: i, ...(location?.line ? { line: location.line } : {}) }));
    };
    if (!isTable(entry) || typeof entry.name !== 'string' || entry.name === '') return invalid('has no name');
    const source = isTable(entry.source) ? entry.source : undefined;
    // uv's own project (and workspace members) are the code being scanned, not a dependency.
    if (tool === 'uv' && source && (source.editable !== undefined || source.virtual !== undefined)) return;
    const name = normalizeName(entry.name);
    const written = `${entry.name} ${typeof entry.version === 'string' ? entry.version : ''}`.trim();
    if (typeof entry.version === 'string') {
      out.dependencies.push({ ecosystem: 'pypi', name, version: entry.version, ...(location ? { location } : {}), written });
      return;
    }
    if (entry.version !== undefined) return invalid(`(${entry.name}) has a non-string version`);
    const direct = source && UV_DIRECT_SOURCES.map((k) => source[k]).find((v) => typeof v === 'string');
    if (typeof direct === 'string') out.dependencies.push({ ecosystem: 'pypi', name, direct, ...(location ? { location } : {}), written });
    else invalid(`(${entry.name}) has no version`);
  });
  return out;
}

export function parsePipfileLock(doc: unknown, text: string): LockParse {
  const out: LockParse = { dependencies: [], anomalies: [] };
  if (!isTable(doc)) {
    out.anomalies.push(anomaly(DEPS_CODES.malformed, 'Pipfile.lock is not a JSON object, so pipenv refuses it'));
    return out;
  }
  const index = new LineIndex(text);
  for (const section of ['default', 'develop'] as const) {
    const entries = doc[section];
    if (entries === undefined) continue;
    const sectionAt = index.find(JSON.stringify(section));
    if (!isTable(entries)) {
      out.anomalies.push(anomaly(DEPS_CODES.malformed, `Pipfile.lock's ${section} section is not an object, so pipenv refuses it`, undefined, sectionAt?.location.line ? { line: sectionAt.location.line } : undefined));
      continue;
    }
    let from = sectionAt?.offset ?? 0;
    for (const [key, value] of Object.entries(entries)) {
      const found = index.find(`${JSON.stringify(key)}:`, from) ?? index.find(JSON.stringify(key), from);
      if (found) from = found.offset + 1;
      const location = found?.location;
      const base = { ecosystem: 'pypi' as const, name: normalizeName(key), ...(location ? { location } : {}), ...(section === 'develop' ? { group: 'develop' } : {}) };
      if (!isTable(value)) {
        out.anomalies.push(anomaly(DEPS_CODES.invalidEntry, `Pipfile.lock ${section} entry ${key} is not an object`, undefined, { name: key, ...(location?.line ? { line: location.line } : {}) }));
        continue;
      }
      const marker = typeof value.markers === 'string' ? { marker: value.markers } : {};
      if (typeof value.version === 'string') {
        const v = value.version.trim();
        const pinned = v.startsWith('===') ? v.slice(3) : v.startsWith('==') ? v.slice(2) : undefined;
        out.dependencies.push({ ...base, ...(pinned ? { version: pinned.trim() } : { specifier: v }), written: `${key}${v}`, ...marker });
        continue;
      }
      const direct = ['git', 'file', 'path'].map((k) => value[k]).find((v) => typeof v === 'string');
      out.dependencies.push({ ...base, ...(typeof direct === 'string' ? { direct } : {}), written: key, ...marker });
    }
  }
  return out;
}
