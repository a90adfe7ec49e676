import type { Rule } from '../types.js';
import cacheIncomplete from './cache-incomplete.js';
import cacheInconsistent from './cache-inconsistent.js';
import checksumMismatch from './checksum-mismatch.js';
import lockMalformed from './lock-malformed.js';
import lockStale from './lock-stale.js';
import missingChecksum from './missing-checksum.js';
import notVerified from './not-verified.js';
import signatureInvalid from './signature-invalid.js';
import signatureUnverified from './signature-unverified.js';
import signingMalformed from './signing-malformed.js';
import unsignedFile from './unsigned-file.js';
import unverifiable from './unverifiable.js';

/** This family's rules, one file each. */
export const RULES: Rule[] = [
  checksumMismatch,
  missingChecksum,
  lockStale,
  lockMalformed,
  unsignedFile,
  unverifiable,
  cacheInconsistent,
  cacheIncomplete,
  notVerified,
  signatureInvalid,
  signatureUnverified,
  signingMalformed,
];
