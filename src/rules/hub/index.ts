import type { Rule } from '../types.js';

/** Repository-level rules of `modelvet check`, one file each. */
export const RULES: Rule[] = [];
