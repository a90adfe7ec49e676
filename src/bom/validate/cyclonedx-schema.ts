import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { CdxSpecVersion } from '../cyclonedx/types.js';
import { describeAjvError, distinct } from '../../util/ajv-errors.js';

const require = createRequire(import.meta.url);
/** Untyped CommonJS plug-in: the draft-2019 formats ajv-formats lacks (the schemas use idn-email). */
const addFormats2019 = require('ajv-formats-draft2019') as (ajv: Ajv, options: { formats: string[] }) => Ajv;

/**
 * The official CycloneDX schemas as `@cyclonedx/cyclonedx-library` ships them (draft-07; renamed
 * `*.SNAPSHOT.*` and `version` made optional, see its res/schema/README.md). Read from the installed
 * package, so validation never needs a network or `../shared`.
 */
const SCHEMA_DIR = join(dirname(require.resolve('@cyclonedx/cyclonedx-library/package.json')), 'res', 'schema');
/** The bom schemas `$ref` these by file name, resolved against `http://cyclonedx.org/schema/`. */
const DEPENDENCIES = ['spdx.SNAPSHOT.schema.json', 'jsf-0.82.SNAPSHOT.schema.json', 'cryptography-defs.SNAPSHOT.schema.json'];

const load = (file: string): Record<string, unknown> => JSON.parse(readFileSync(join(SCHEMA_DIR, file), 'utf8')) as Record<string, unknown>;

const compiled = new Map<CdxSpecVersion, ValidateFunction>();
let licenseIds: ReadonlySet<string> | undefined;

/** Compiling the 1.7 schema takes a noticeable fraction of a second: once per process per version. */
function validatorFor(version: CdxSpecVersion): ValidateFunction {
  let validate = compiled.get(version);
  if (validate) return validate;
  const ajv = new Ajv({
    allErrors: true,
    // The official schemas use keywords and formats strict mode rejects (`meta:enum`, unknown formats).
    strict: false,
    useDefaults: false,
    addUsedSchema: false,
    loadSchema: (uri: string) => {
      throw new Error(`remote schemas are disabled: ${uri}`);
    },
  });
  addFormats.default(ajv);
  addFormats2019(ajv, { formats: ['idn-email'] });
  // No implementation of iri-reference exists for ajv; the library accepts any string the same way.
  ajv.addFormat('iri-reference', true);
  for (const file of DEPENDENCIES) ajv.addSchema(load(file), `http://cyclonedx.org/schema/${file}`);
  validate = ajv.compile(load(`bom-${version}.SNAPSHOT.schema.json`));
  compiled.set(version, validate);
  return validate;
}

/** Every schema error in the document, one line each (ajv runs with `allErrors`). */
export function cyclonedxSchemaErrors(doc: unknown, version: CdxSpecVersion): string[] {
  const validate = validatorFor(version);
  if (validate(doc)) return [];
  return distinct((validate.errors ?? []).map(describeAjvError));
}

/** The SPDX licence ids CycloneDX's `license.id` accepts (its schema's enum, which can lag the SPDX list). */
export function cyclonedxLicenseIds(): ReadonlySet<string> {
  licenseIds ??= new Set((load('spdx.SNAPSHOT.schema.json').enum as string[] | undefined) ?? []);
  return licenseIds;
}
