import type { Rule } from '../types.js';

/** This family's rules, one file each. */
export const RULES: Rule[] = [];
