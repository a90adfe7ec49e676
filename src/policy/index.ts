/** Pickle global policy: allowlist first, denylist for severity. See policy/README.md. */
export { classifyGlobal, policyIndexes } from './classify.js';
export { listAliases, normalizeGlobal, normalizeModule } from './aliases.js';
export type { GlobalVerdict, PolicyOptions, PolicyContext } from './types.js';
