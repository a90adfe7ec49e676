import type { Rule } from '../types.js';
import customOperator from './custom-operator.js';
import externalDataEscape from './external-data-escape.js';
import externalDataInvalid from './external-data-invalid.js';
import externalDataUnknownKey from './external-data-unknown-key.js';
import malformed from './malformed.js';
import runtimeOperator from './runtime-operator.js';

/** This family's rules, one file each. */
export const RULES: Rule[] = [externalDataEscape, externalDataInvalid, externalDataUnknownKey, customOperator, runtimeOperator, malformed];
