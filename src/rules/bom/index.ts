import type { Rule } from '../types.js';

/** Rules on CycloneDX / SPDX bills of materials found by `scan`, one file each. */
export const RULES: Rule[] = [];
