import type { Rule } from '../types.js';
import unreadable from './unreadable.js';
import vulnerableLoader from './vulnerable-loader.js';

/** This family's rules, one file each. */
export const RULES: Rule[] = [vulnerableLoader, unreadable];
