import type { Rule } from '../types.js';
import customCode from './custom-code.js';
import denialOfService from './denial-of-service.js';
import malformed from './malformed.js';
import sandboxEscape from './sandbox-escape.js';
import unparsed from './unparsed.js';
import unsafeConstruct from './unsafe-construct.js';

/** This family's rules, one file each. */
export const RULES: Rule[] = [sandboxEscape, unsafeConstruct, unparsed, denialOfService, malformed, customCode];
