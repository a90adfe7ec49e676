/** A stand-in target with one bug: any input holding a 0xff byte throws. For the campaign's find, shrink, de-duplicate and save path. */
import type { TargetResult } from '../target.js';

export async function run(bytes: Uint8Array): Promise<TargetResult> {
  if (bytes.includes(0xff)) throw new TypeError('0xff is not a valid tag');
  return { format: 'test', findings: [] };
}
