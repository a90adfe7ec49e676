// A second process for the concurrency test: puts `count` results under one key, each tagged, then flushes.
import { ResultCache } from '../../../src/cache/result-cache.js';

const [dir, key, sha, tag, count] = process.argv.slice(2);
const cache = ResultCache.open({ dir, rulesetKey: key });
// Large enough that a torn write would be visible: many findings with long messages.
const findings = Array.from({ length: 400 }, (_, i) => ({ ruleId: 'pickle/dangerous-global', severity: 'critical' as const, message: `${tag} finding ${i} `.padEnd(200, tag), suffix: `!m${i}` }));
for (let i = 0; i < Number(count); i++) {
  cache.put(sha, { format: 'pickle', size: i, findings });
  if (i % 10 === 9) await cache.flush();
}
await cache.flush();
