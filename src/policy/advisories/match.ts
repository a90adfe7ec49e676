/**
 * Which advisories a dependency falls under. A resolved version (lock entry, `==` pin) is in an
 * affected range or not; a specifier "admits" an advisory when an installer following it could
 * pick an affected version (see pep440.ts `admits` for how, and what is approximate).
 */
import type { Dependency } from '../../parsers/deps/types.js';
import type { AdvisoryDatabase } from './database.js';
import { compareNpm, npmAdmits, npmAffected } from './npm.js';
import { admits, parseSpecifier, parseVersion, satisfies, type Specifier } from '../../parsers/deps/pep440.js';
import { compare } from '@renovatebot/pep440';
import type { Advisory } from './types.js';

export interface AdvisoryMatch {
  advisory: Advisory;
  /** A written bound proving that the specifier admits an affected version, when one does. */
  example?: string;
}

export type DependencyCheck =
  | { status: 'none' }
  /** A direct reference: no version to compare. */
  | { status: 'direct' }
  /** The version or specifier could not be read, while advisories exist for the package. */
  | { status: 'unreadable'; advisories: readonly Advisory[]; what: string }
  | { status: 'matched'; how: 'version' | 'specifier'; matches: AdvisoryMatch[]; clearVersion?: string };

const pypiRanges = new Map<string, Specifier>();

/** Advisory ranges were validated at load; parsed once each. */
function affectedOf(a: Advisory): Specifier {
  const key = a.affected.join(' || ');
  let spec = pypiRanges.get(key);
  if (!spec) {
    spec = parseSpecifier(key)!;
    pypiRanges.set(key, spec);
  }
  return spec;
}

const isInformational = (a: Advisory): boolean => a.kind === 'by-design' || a.severity === 'info';

function isAffected(a: Advisory, version: string): boolean {
  if (a.ecosystem === 'npm') return npmAffected(version, a.affected) === true;
  const v = parseVersion(version);
  return v !== undefined && satisfies(v, affectedOf(a), true);
}

/**
 * The lowest fixed release listed for the package that no (non-informational) advisory covers,
 * at or above the current version when there is one: the version to move to.
 */
function clearVersion(all: readonly Advisory[], ecosystem: Dependency['ecosystem'], atLeast?: string): string | undefined {
  const cmp = ecosystem === 'npm' ? compareNpm : compare;
  const serious = all.filter((a) => !isInformational(a));
  const fixes = [...new Set(serious.flatMap((a) => a.fixed))].sort(cmp);
  return fixes.find((f) => (atLeast === undefined || cmp(f, atLeast) >= 0) && !serious.some((a) => isAffected(a, f)));
}

export function checkDependency(dep: Dependency, db: AdvisoryDatabase): DependencyCheck {
  const all = db.for(dep.ecosystem, dep.name);
  if (all.length === 0) return { status: 'none' };
  if (dep.direct !== undefined) return { status: 'direct' };
  if (dep.version !== undefined) {
    const readable = dep.ecosystem === 'npm' ? npmAffected(dep.version, []) !== undefined : parseVersion(dep.version) !== undefined;
    if (!readable) return { status: 'unreadable', advisories: all, what: `version '${dep.version}'` };
    const matches = all.filter((a) => isAffected(a, dep.version!)).map((advisory) => ({ advisory }));
    if (matches.length === 0) return { status: 'none' };
    const clear = matches.some((m) => !isInformational(m.advisory)) ? clearVersion(all, dep.ecosystem, dep.version) : undefined;
    return { status: 'matched', how: 'version', matches, ...(clear ? { clearVersion: clear } : {}) };
  }
  const written = dep.specifier ?? '';
  const matches: AdvisoryMatch[] = [];
  if (dep.ecosystem === 'npm') {
    const range = written === '' ? '*' : written;
    for (const advisory of all) {
      const r = npmAdmits(range, advisory.affected);
      if (r === undefined) return { status: 'unreadable', advisories: all, what: `range '${written}'` };
      if (r) matches.push({ advisory });
    }
  } else {
    const spec = parseSpecifier(written);
    if (!spec) return { status: 'unreadable', advisories: all, what: `specifier '${written}'` };
    for (const advisory of all) {
      const r = admits(spec, affectedOf(advisory));
      if (r.admits) matches.push({ advisory, ...(r.example ? { example: r.example } : {}) });
    }
  }
  if (matches.length === 0) return { status: 'none' };
  const clear = matches.some((m) => !isInformational(m.advisory)) ? clearVersion(all, dep.ecosystem) : undefined;
  return { status: 'matched', how: 'specifier', matches, ...(clear ? { clearVersion: clear } : {}) };
}

export { isInformational };
