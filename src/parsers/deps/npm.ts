/** npm manifests: `package.json` (ranges as written) and `package-lock.json` (v1 `dependencies`, v2/v3 `packages`). */
import semver from 'semver';
import type { Anomaly } from '../../types.js';
import { anomaly } from '../anomaly.js';
import { DEPS_CODES } from './codes.js';
import { LineIndex } from './text.js';
import type { Dependency } from './types.js';

export interface NpmParse {
  dependencies: Dependency[];
  anomalies: Anomaly[];
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

const SECTIONS = ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies'] as const;

/** Specs npm fetches from somewhere other than the registry: no version to match. */
const isDirectSpec = (spec: string): boolean =>
  /^(git\+|git:|github:|gitlab:|bitbucket:|gist:|https?:|file:|link:|workspace:|portal:|patch:)/i.test(spec) || /^[^@\s/]+\/[^\s]+$/.test(spec) || spec.startsWith('.') || spec.startsWith('/') || spec.startsWith('~');

/** `npm:real-name@range` installs real-name: that is the package to match. */
function unalias(name: string, spec: string): { name: string; spec: string } {
  if (!spec.startsWith('npm:')) return { name, spec };
  const target = spec.slice(4);
  const at = target.lastIndexOf('@');
  return at > 0 ? { name: target.slice(0, at), spec: target.slice(at + 1) } : { name: target, spec: '' };
}

export function parsePackageJson(doc: unknown, text: string): NpmParse {
  const out: NpmParse = { dependencies: [], anomalies: [] };
  if (!isObject(doc)) {
    out.anomalies.push(anomaly(DEPS_CODES.malformed, 'package.json is not a JSON object, so npm refuses it'));
    return out;
  }
  const index = new LineIndex(text);
  for (const section of SECTIONS) {
    const deps = doc[section];
    if (deps === undefined) continue;
    const sectionAt = index.find(`${JSON.stringify(section)}`);
    if (!isObject(deps)) {
      out.anomalies.push(anomaly(DEPS_CODES.malformed, `package.json's ${section} is not an object, so npm refuses it`, undefined, sectionAt?.location.line ? { line: sectionAt.location.line } : undefined));
      continue;
    }
    let from = sectionAt?.offset ?? 0;
    for (const [key, value] of Object.entries(deps)) {
      const found = index.find(`${JSON.stringify(key)}:`, from) ?? index.find(JSON.stringify(key), from);
      if (found) from = found.offset + 1;
      const location = found?.location;
      if (typeof value !== 'string') {
        out.anomalies.push(anomaly(DEPS_CODES.invalidEntry, `package.json ${section}.${key} is not a version string, so npm refuses it`, undefined, { name: key, ...(location?.line ? { line: location.line } : {}) }));
        continue;
      }
      const { name, spec } = unalias(key, value.trim());
      const group = section === 'dependencies' ? {} : { group: section };
      const base = { ecosystem: 'npm' as const, name, ...(location ? { location } : {}), written: `${JSON.stringify(key)}: ${JSON.stringify(value)}`, ...group };
      if (isDirectSpec(spec)) out.dependencies.push({ ...base, direct: spec });
      else {
        // An exact version in package.json is a pin, matched like a lock entry.
        const exact = semver.valid(spec);
        out.dependencies.push({ ...base, ...(exact ? { version: exact } : spec && spec !== '*' && spec !== 'latest' ? { specifier: spec } : {}) });
      }
    }
  }
  return out;
}

/** `node_modules/a/node_modules/@s/b` → `@s/b`. */
function nameFromPath(path: string): string | undefined {
  const at = path.lastIndexOf('node_modules/');
  return at < 0 ? undefined : path.slice(at + 'node_modules/'.length);
}

export function parsePackageLock(doc: unknown, text: string): NpmParse {
  const out: NpmParse = { dependencies: [], anomalies: [] };
  if (!isObject(doc)) {
    out.anomalies.push(anomaly(DEPS_CODES.malformed, 'package-lock.json is not a JSON object, so npm refuses it'));
    return out;
  }
  const index = new LineIndex(text);
  const invalid = (what: string, line?: number): void => {
    out.anomalies.push(anomaly(DEPS_CODES.invalidEntry, what, undefined, line ? { line } : undefined));
  };
  const push = (name: string, version: string, line: number | undefined, written: string, dev: boolean): void => {
    // v1 records an alias's version as `npm:real@1.2.3`.
    const aliased = unalias(name, version);
    const base = { ecosystem: 'npm' as const, name: aliased.name, ...(line ? { location: { line } } : {}), written, ...(dev ? { group: 'dev' } : {}) };
    if (isDirectSpec(aliased.spec)) out.dependencies.push({ ...base, direct: aliased.spec });
    else out.dependencies.push({ ...base, version: aliased.spec });
  };
  const packages = doc.packages;
  if (packages !== undefined) {
    // lockfileVersion 2 carries both layouts; `packages` is the one npm 7+ reads.
    if (!isObject(packages)) {
      out.anomalies.push(anomaly(DEPS_CODES.malformed, "package-lock.json's packages is not an object, so npm refuses it"));
      return out;
    }
    let from = index.find('"packages"')?.offset ?? 0;
    for (const [path, entry] of Object.entries(packages)) {
      const found = index.find(`${JSON.stringify(path)}:`, from);
      if (found) from = found.offset + 1;
      const line = found?.location.line;
      if (path === '') continue;
      if (!isObject(entry)) {
        invalid(`package-lock.json entry ${path} is not an object`, line);
        continue;
      }
      // A workspace link points at code in this repository.
      if (entry.link === true) continue;
      const name = typeof entry.name === 'string' ? entry.name : nameFromPath(path);
      if (!name) continue;
      if (typeof entry.version !== 'string') {
        if (typeof entry.resolved === 'string') push(name, entry.resolved, line, path, entry.dev === true);
        else invalid(`package-lock.json entry ${path} has no version`, line);
        continue;
      }
      push(name, entry.version, line, `${path}@${entry.version}`, entry.dev === true);
    }
    return out;
  }
  /** Returns how far into the text the entries it placed reach, so siblings are looked for after nested copies. */
  const walk = (deps: unknown, from: number, depth: number): number => {
    if (deps === undefined) return from;
    if (!isObject(deps)) {
      out.anomalies.push(anomaly(DEPS_CODES.malformed, "package-lock.json's dependencies is not an object, so npm refuses it"));
      return from;
    }
    // v1 nests a package's own copies of its dependencies; npm never nests this deep.
    if (depth > 64) {
      out.anomalies.push(anomaly(DEPS_CODES.limit, 'package-lock.json nests dependencies more than 64 levels deep; the deeper ones were not checked'));
      return from;
    }
    let cursor = from;
    for (const [name, entry] of Object.entries(deps)) {
      const found = index.find(`${JSON.stringify(name)}:`, cursor);
      if (found) cursor = found.offset + 1;
      const line = found?.location.line;
      if (!isObject(entry) || typeof entry.version !== 'string') {
        invalid(`package-lock.json dependency ${name} has no version`, line);
        continue;
      }
      push(name, entry.version, line, `${name}@${entry.version}`, entry.dev === true);
      cursor = walk(entry.dependencies, cursor, depth + 1);
    }
    return cursor;
  };
  walk(doc.dependencies, index.find('"dependencies"')?.offset ?? 0, 0);
  return out;
}
