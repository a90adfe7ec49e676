import type { Rule } from '../types.js';
import access from './access.js';
import customCode from './custom-code.js';
import disabled from './disabled.js';
import noLicense from './no-license.js';
import notFullyAnalysed from './not-fully-analysed.js';
import pickleWeights from './pickle-weights.js';
import securityScan from './security-scan.js';
import unhashedFile from './unhashed-file.js';

/** Repository-level rules of `modelvet check`, one file each. */
export const RULES: Rule[] = [pickleWeights, customCode, noLicense, disabled, access, securityScan, unhashedFile, notFullyAnalysed];
