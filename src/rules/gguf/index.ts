import type { Rule } from '../types.js';
import hubDivergence from './hub-divergence.js';
import malformed from './malformed.js';
import resourceLimit from './resource-limit.js';

/** This family's rules, one file each. */
export const RULES: Rule[] = [malformed, resourceLimit, hubDivergence];
