import type { Rule } from '../types.js';
import dangerousOp from './dangerous-op.js';
import malformed from './malformed.js';
import unknownOp from './unknown-op.js';

/** This family's rules, one file each. */
export const RULES: Rule[] = [dangerousOp, unknownOp, malformed];
