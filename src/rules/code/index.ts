import type { Rule } from '../types.js';
import malformed from './malformed.js';
import trustRemoteCode from './trust-remote-code.js';
import unsafeLoad from './unsafe-load.js';

/** This family's rules, one file each. */
export const RULES: Rule[] = [unsafeLoad, trustRemoteCode, malformed];
