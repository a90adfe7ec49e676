import type { Rule } from '../types.js';
import indexMismatch from './index-mismatch.js';
import malformed from './malformed.js';
import prototypeTensorName from './prototype-tensor-name.js';
import shardPathEscape from './shard-path-escape.js';

/** This family's rules, one file each. */
export const RULES: Rule[] = [malformed, shardPathEscape, indexMismatch, prototypeTensorName];
