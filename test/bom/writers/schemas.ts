/**
 * Validators the writer tests use on every document, built here independently of the writer's own
 * validation: the official CycloneDX schemas from @cyclonedx/cyclonedx-library, and the official
 * SPDX 3.0.1 schema (draft 2020-12) from ../shared/schemas.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

const require = createRequire(import.meta.url);
const CDX_DIR = join(dirname(require.resolve('@cyclonedx/cyclonedx-library/package.json')), 'res', 'schema');
const SPDX_SCHEMA = fileURLToPath(new URL('../../../../shared/schemas/spdx-3.0.1.schema.json', import.meta.url));
const json = (path: string): Record<string, unknown> => JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;

const cdx = new Map<string, ValidateFunction>();
let spdx: ValidateFunction | undefined;

export function cyclonedxSchema(version: '1.6' | '1.7'): ValidateFunction {
  let validate = cdx.get(version);
  if (!validate) {
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats.default(ajv);
    ajv.addFormat('idn-email', true);
    ajv.addFormat('iri-reference', true);
    for (const f of ['spdx.SNAPSHOT.schema.json', 'jsf-0.82.SNAPSHOT.schema.json', 'cryptography-defs.SNAPSHOT.schema.json']) {
      ajv.addSchema(json(join(CDX_DIR, f)), `http://cyclonedx.org/schema/${f}`);
    }
    validate = ajv.compile(json(join(CDX_DIR, `bom-${version}.SNAPSHOT.schema.json`)));
    cdx.set(version, validate);
  }
  return validate;
}

export function spdxSchema(): ValidateFunction {
  if (!spdx) {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats.default(ajv as never);
    spdx = ajv.compile(json(SPDX_SCHEMA));
  }
  return spdx;
}

/** The schema's errors for a document, as `path: message` lines (empty when valid). */
export function schemaErrors(validate: ValidateFunction, doc: unknown): string[] {
  return validate(doc) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'}: ${e.message ?? e.keyword}`);
}
