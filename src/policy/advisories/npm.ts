/** npm versions and ranges, as npm resolves them (node-semver). */
import semver from 'semver';

/** Whether a published version is within any of the ranges; undefined when it is not semver. */
export function npmAffected(version: string, ranges: readonly string[]): boolean | undefined {
  const v = semver.valid(version);
  if (!v) return undefined;
  return ranges.some((r) => semver.satisfies(v, r, { includePrerelease: true }));
}

/**
 * Whether a range in package.json lets npm pick an affected version; undefined when the range is
 * not one node-semver reads (a dist-tag other than `latest`, say). Pre-releases are left out as
 * npm leaves them out unless the range names one.
 */
export function npmAdmits(range: string, ranges: readonly string[]): boolean | undefined {
  if (!semver.validRange(range)) return undefined;
  return ranges.some((r) => semver.intersects(range, r));
}

export const isNpmRange = (range: string): boolean => semver.validRange(range) !== null;
export const isNpmVersion = (version: string): boolean => semver.valid(version) !== null;
export const compareNpm = (a: string, b: string): number => semver.compare(a, b);
