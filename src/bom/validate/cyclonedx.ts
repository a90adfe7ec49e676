import type { CdxSpecVersion } from '../cyclonedx/types.js';
import { cyclonedxRefErrors } from './cyclonedx-refs.js';
import { cyclonedxSchemaErrors } from './cyclonedx-schema.js';

/**
 * Every problem in a CycloneDX JSON document: the official schema of its version (ajv, offline),
 * then the checks no schema can express. Empty when the document may be written.
 */
export function validateCycloneDx(doc: unknown, version: CdxSpecVersion): string[] {
  return [...cyclonedxSchemaErrors(doc, version).map((e) => `schema: ${e}`), ...cyclonedxRefErrors(doc).map((e) => `reference: ${e}`)];
}
