import type { Rule } from '../types.js';
import customObject from './custom-object.js';
import lambdaLayer from './lambda-layer.js';
import malformed from './malformed.js';
import unsafeConfig from './unsafe-config.js';

/** This family's rules, one file each. */
export const RULES: Rule[] = [lambdaLayer, unsafeConfig, customObject, malformed];
