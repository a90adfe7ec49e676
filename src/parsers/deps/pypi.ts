import type { Location } from '../../types.js';
import { normalizeName, pinnedVersion, type Requirement } from './pep508.js';
import type { Dependency } from './types.js';

/** A PEP 508 requirement as a dependency: a `==`/`===` pin is a version, anything else a specifier. */
export function pypiDependency(req: Requirement, written: string, location: Location | undefined, group?: string): Dependency {
  const pin = req.url ? undefined : pinnedVersion(req.specifier);
  return {
    ecosystem: 'pypi',
    name: normalizeName(req.name),
    ...(req.url ? { direct: req.url } : pin ? { version: pin } : req.specifier ? { specifier: req.specifier } : {}),
    ...(location ? { location } : {}),
    written,
    ...(req.extras.length ? { extras: req.extras } : {}),
    ...(req.marker ? { marker: req.marker } : {}),
    ...(group ? { group } : {}),
  };
}
