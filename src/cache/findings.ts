import type { Finding, FormatId } from '../types.js';
import type { CachedFinding, CachedResult } from './types.js';

/**
 * A file's findings as a cache entry holds them, relative to the file's own path. Undefined when
 * a finding names some other path (a config file, a sibling): such a result depends on more than
 * these bytes and must not be cached.
 */
export function toCachedResult(rootPath: string, format: FormatId, size: number, findings: readonly Finding[]): CachedResult | undefined {
  const cached: CachedFinding[] = [];
  for (const { path, ...rest } of findings) {
    if (path !== rootPath && !path.startsWith(`${rootPath}!`)) return undefined;
    cached.push({ ...rest, suffix: path.slice(rootPath.length) });
  }
  return { format, size, findings: cached };
}

/** The cached findings named for the file where the content is now. */
export function fromCachedResult(result: CachedResult, displayPath: string): Finding[] {
  return result.findings.map(({ suffix, ...rest }) => ({ ...rest, path: `${displayPath}${suffix}` }));
}
