import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import YAML from 'yaml';
import { MAX_YAML_NESTING, yamlNestingDepth } from '../util/yaml-depth.js';
import { UsageError } from '../util/errors.js';
import { AdvisoryFileError, loadAdvisoryFile } from '../policy/advisories/load.js';
import type { ConfigFile, ResolvedConfig, RuleSetting } from './types.js';
import { validateConfig } from './validate.js';

/** Searched in this order in each folder, like ESLint's flat list of names. */
export const CONFIG_NAMES = [
  'modelvet.config.json',
  'modelvet.config.yaml',
  'modelvet.config.yml',
  '.modelvetrc',
  '.modelvetrc.json',
  '.modelvetrc.yaml',
  '.modelvetrc.yml',
] as const;

/** The nearest configuration file from `start` upward, or undefined. */
export function findConfigFile(start: string): string | undefined {
  let dir = resolve(start);
  for (;;) {
    for (const name of CONFIG_NAMES) {
      const candidate = join(dir, name);
      if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function parseFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read configuration ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  const isJson = file.endsWith('.json') || (file.endsWith('.modelvetrc') && text.trimStart().startsWith('{'));
  try {
    if (isJson) return JSON.parse(text);
    const depth = yamlNestingDepth(text);
    if (depth > MAX_YAML_NESTING) throw new Error(`nested about ${depth} levels deep, past the ${MAX_YAML_NESTING}-level limit`);
    const doc = YAML.parseDocument(text, { uniqueKeys: true });
    if (doc.errors.length > 0) throw doc.errors[0];
    return doc.toJS() ?? {};
  } catch (err) {
    const msg = (err as Error).message.split('\n')[0];
    throw new UsageError(`invalid configuration ${file}: ${msg}`);
  }
}

/**
 * The config's extra advisory files, resolved against its folder and validated now: a broken
 * one is a configuration error (exit 2), not a rule failure in the middle of a scan.
 */
function advisoryFiles(data: ConfigFile, baseDir: string, file: string | undefined): string[] {
  return (data.advisories ?? []).map((p) => {
    const path = resolve(baseDir, p);
    try {
      loadAdvisoryFile(path);
    } catch (err) {
      if (err instanceof AdvisoryFileError) throw new UsageError(`invalid advisories file in ${file ?? 'configuration'}: ${err.message}`);
      throw err;
    }
    return path;
  });
}

export interface LoadConfigOptions {
  /** `--config FILE`: used as is, no discovery. */
  configFile?: string;
  /** Where discovery starts (the working directory). */
  cwd?: string;
  /** `--rule ID=SEVERITY|off`, applied over the file's rules. */
  ruleOverrides?: Record<string, RuleSetting>;
}

export function loadConfig(options: LoadConfigOptions = {}): ResolvedConfig {
  const cwd = options.cwd ?? process.cwd();
  let file: string | undefined;
  if (options.configFile) {
    file = resolve(cwd, options.configFile);
    if (!existsSync(file)) throw new UsageError(`configuration file not found: ${options.configFile}`);
  } else {
    file = findConfigFile(cwd);
  }
  const data: ConfigFile = file ? validateConfig(parseFile(file), file) : {};
  const baseDir = file ? dirname(file) : resolve(cwd);
  return {
    file,
    baseDir,
    rules: { ...(data.rules ?? {}), ...(options.ruleOverrides ?? {}) },
    plugins: data.plugins ?? [],
    trustedPublishers: data.trustedPublishers ?? [],
    allowGlobals: data.pickle?.allowGlobals ?? [],
    ignore: data.ignore ?? [],
    suppressions: data.suppressions ?? [],
    advisories: advisoryFiles(data, baseDir, file),
    limits: data.limits ?? {},
  };
}

const SETTINGS = new Set(['critical', 'high', 'medium', 'low', 'info', 'off']);

/** Parses repeated `--rule ID=SEVERITY|off` flags. */
export function parseRuleFlags(values: readonly string[]): Record<string, RuleSetting> {
  const out: Record<string, RuleSetting> = {};
  for (const value of values) {
    const eq = value.lastIndexOf('=');
    const id = value.slice(0, eq).trim();
    const setting = value.slice(eq + 1).trim();
    if (eq <= 0 || !id.includes('/') || !SETTINGS.has(setting)) {
      throw new UsageError(`--rule expects ID=critical|high|medium|low|info|off, got '${value}'`);
    }
    out[id] = setting as RuleSetting;
  }
  return out;
}
