import type { Finding } from '../../src/types.js';

/**
 * Findings about what a file holds, without those about where it came from: a fixture has no
 * lockfile, so every model file also gets integrity/missing-checksum, which says nothing about
 * whether its content is benign.
 */
export const contentFindings = (findings: readonly Finding[]): Finding[] => findings.filter((f) => !f.ruleId.startsWith('integrity/'));
