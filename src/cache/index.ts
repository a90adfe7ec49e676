export { ResultCache, DEFAULT_MAX_ENTRY_BYTES, type ResultCacheOptions } from './result-cache.js';
export { rulesetKey, canonicalJson } from './ruleset-key.js';
export { resolveCacheDir, type CacheDirInput } from './location.js';
export { toCachedResult, fromCachedResult } from './findings.js';
export { fileStamp } from './stat-memo.js';
export type { CachedFinding, CachedResult, CacheEntryFile } from './types.js';
