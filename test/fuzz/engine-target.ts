/**
 * The fuzz target: modelvet as a scan runs it on one file, from bytes to findings. analyseReader
 * detects and parses (recursing into members), the built-in rules judge the tree, and the
 * findings must serialise as the JSON reporter writes them.
 */
import { analyseReader, DEFAULT_ANALYSE_OPTIONS, type AnalyseOptions } from '../../src/engine/analyse.js';
import { runRules } from '../../src/engine/run-rules.js';
import { HDF5_READER_SETTINGS } from '../../src/parsers/keras/hdf5-reader.js';
import { BUILTIN_RULES } from '../../src/rules/builtin.js';
import { bufferReader } from '../../src/sources/readers.js';
import type { TargetResult } from './target.js';

const RULES = { rules: BUILTIN_RULES, ruleSettings: {}, settings: { allowedGlobals: [], trustedPublishers: [] } };

let options: AnalyseOptions = DEFAULT_ANALYSE_OPTIONS;

/**
 * Two parsers keep their own wall-clock limits, by default above the fuzzer's per-file budget:
 * h5wasm (10 s, in its worker) and tree-sitter (`codeParseTimeMs`, 15 s). Set below the budget,
 * an input that runs into them shows the limit firing (an anomaly, "not fully analysed") instead
 * of a fuzz time-out; every other limit keeps its default.
 */
export function setup(settings: { innerTimeoutMs: number }): void {
  HDF5_READER_SETTINGS.timeoutMs = settings.innerTimeoutMs;
  options = { ...DEFAULT_ANALYSE_OPTIONS, codeParseTimeMs: settings.innerTimeoutMs };
}

export async function run(bytes: Uint8Array, name: string): Promise<TargetResult> {
  const artifact = await analyseReader(bufferReader(bytes), name, 0, options);
  if (artifact === null || typeof artifact !== 'object' || typeof artifact.format !== 'string') throw new TypeError('analyseReader returned no artifact');
  const findings = runRules(artifact, RULES);
  JSON.stringify(findings);
  return { format: artifact.format, findings: findings.map((f) => ({ ruleId: f.ruleId, message: f.message })) };
}
