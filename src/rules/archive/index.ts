import type { Rule } from '../types.js';
import decompressionBomb from './decompression-bomb.js';
import linkMember from './link-member.js';
import malformed from './malformed.js';
import pathTraversal from './path-traversal.js';
import resourceLimit from './resource-limit.js';
import specialMember from './special-member.js';
import unsupported from './unsupported.js';

/** This family's rules, one file each. */
export const RULES: Rule[] = [pathTraversal, linkMember, specialMember, decompressionBomb, resourceLimit, unsupported, malformed];
