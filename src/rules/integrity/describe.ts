import type { ExpectedDigest } from '../../integrity/types.js';

/** How a finding names the record a digest came from. */
export function recordName(e: Pick<ExpectedDigest, 'source' | 'where'>): string {
  switch (e.source) {
    case 'lockfile':
      return `the lockfile ${e.where}`;
    case 'bom':
      return `the BOM ${e.where}`;
    case 'signing-manifest':
      return `the signature ${e.where}`;
    case 'hf-cache':
      return `its Hugging Face cache blob name (${e.where})`;
  }
}
