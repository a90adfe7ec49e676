/**
 * modelvet as a library: scan(), verify() and check() return the same report object `modelvet
 * scan|verify|check --format json` prints; lock() writes modelvet.lock.json and returns what it wrote.
 */
export { scan, prepare, type ScanOptions } from './engine/scan.js';
export { check, type CheckOptions, type CheckReport } from './check/check.js';
export type { FetchSummary, HubRepoArtifact, HubRepoInfo } from './check/types.js';
export { lock, type LockOptions, type LockResult } from './integrity/lock.js';
export { verify, type VerifyOptions } from './integrity/verify.js';
export type { Lockfile, LockedModel, LockedFile, LockSource, ExpectedDigest, IntegrityStatus } from './integrity/types.js';
export { analyseReader } from './engine/analyse.js';
export { loadConfig } from './config/load.js';
export { RuleRegistry, loadPlugins } from './rules/registry.js';
export { BUILTIN_RULES } from './rules/builtin.js';
export { RuleTester } from './rules/rule-tester.js';
export { render } from './report/index.js';
export { bufferReader, fileReader, sliceReader } from './sources/readers.js';
export type { Rule, RuleMeta, RuleContext, FindingInput, RuleSettings } from './rules/types.js';
export type { Artifact, Anomaly, ByteReader, Finding, Report, Severity, FormatId } from './types.js';
