/**
 * modelvet as a library: scan() returns the same report object `modelvet scan --format json` prints.
 */
export { scan, prepare, type ScanOptions } from './engine/scan.js';
export { analyseReader } from './engine/analyse.js';
export { loadConfig } from './config/load.js';
export { RuleRegistry, loadPlugins } from './rules/registry.js';
export { BUILTIN_RULES } from './rules/builtin.js';
export { RuleTester } from './rules/rule-tester.js';
export { render } from './report/index.js';
export { bufferReader, fileReader, sliceReader } from './sources/readers.js';
export type { Rule, RuleMeta, RuleContext, FindingInput, RuleSettings } from './rules/types.js';
export type { Artifact, Anomaly, ByteReader, Finding, Report, Severity, FormatId } from './types.js';
