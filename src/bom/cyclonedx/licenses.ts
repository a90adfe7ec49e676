import { cyclonedxLicenseIds } from '../validate/cyclonedx-schema.js';
import type { ViewLicense } from '../validate/view.js';
import type { CdxLicenseChoice, CdxSpecVersion } from './types.js';

/**
 * One licence as a CycloneDX entry: `license.id` for a single id the schema knows, `license.name`
 * (+ `url`) for a named licence (never both id and name), else an `expression`. All are what the
 * model card declares, hence `acknowledgement: declared`.
 */
function entryOf(license: ViewLicense): CdxLicenseChoice {
  if (license.kind === 'named') {
    return { license: { name: license.name, ...(license.url ? { url: license.url } : {}), acknowledgement: 'declared' } };
  }
  if (license.singleId && cyclonedxLicenseIds().has(license.singleId)) return { license: { id: license.singleId, acknowledgement: 'declared' } };
  return { expression: license.expression, acknowledgement: 'declared' };
}

/**
 * The `licenses` array. 1.7 takes any mix of entries. 1.6 takes either licence objects or exactly
 * one expression: when the licences cannot all be objects, they become one expression, the terms
 * joined with AND (each source's licence applies), named licences as their `LicenseRef-`.
 */
export function cyclonedxLicenses(licenses: readonly ViewLicense[], version: CdxSpecVersion): CdxLicenseChoice[] | undefined {
  if (!licenses.length) return undefined;
  const entries = licenses.map(entryOf);
  if (version === '1.7' || entries.every((e) => 'license' in e) || entries.length === 1) return entries;
  return [{ expression: licenses.map((l) => l.term).join(' AND '), acknowledgement: 'declared' }];
}
