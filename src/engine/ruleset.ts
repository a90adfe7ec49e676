import { readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rulesetKey } from '../cache/ruleset-key.js';
import type { ResolvedConfig } from '../config/types.js';
import type { RuleRegistry } from '../rules/registry.js';
import { VERSION } from '../util/version.js';
import { analyseOptionsFrom } from './limits.js';

/**
 * The code that produced a result: every source or built file's name, size and mtime. A release
 * is its version, but a working copy changes without one, and a stale cached verdict is worse than
 * a slow one.
 */
function codeStamp(): string[] {
  const root = dirname(dirname(fileURLToPath(import.meta.url)));
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const abs = join(dir, entry.name);
      if (entry.isDirectory()) walk(abs);
      else if (entry.isFile() && /\.(js|ts|json)$/.test(entry.name)) {
        const st = statSync(abs);
        out.push(`${abs.slice(root.length)}:${st.size}:${st.mtimeMs}`);
      }
    }
  };
  walk(root);
  return out.sort();
}

/** Everything a file's findings depend on besides its bytes and name: code, rules in force, settings, limits. */
export function scanRulesetKey(config: ResolvedConfig, registry: RuleRegistry): string {
  const advisories = (config.advisories ?? []).map((file) => {
    try {
      const st = statSync(file);
      return `${file}:${st.size}:${st.mtimeMs}`;
    } catch {
      return `${file}:missing`;
    }
  });
  return rulesetKey({
    version: VERSION,
    code: codeStamp(),
    rules: registry.all().map((r) => [r.meta.id, config.rules[r.meta.id] ?? r.meta.severity]),
    settings: { allowGlobals: config.allowGlobals, trustedPublishers: config.trustedPublishers, advisories },
    limits: analyseOptionsFrom(config),
  });
}
