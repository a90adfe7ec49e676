/** The fixture BOMs are what the specs say they are: each validates against its official schema (offline). */
import * as CDX from '@cyclonedx/cyclonedx-library';
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { BOM_PROJECTS } from './helpers.js';

const SPDX3_SCHEMA = fileURLToPath(new URL('../../../../shared/schemas/spdx-3.0.1.schema.json', import.meta.url));
const read = (rel: string): string => readFileSync(join(BOM_PROJECTS, rel), 'utf8');

describe('bom fixtures validate against the official schemas', function () {
  this.timeout(30_000);

  const cyclonedx: Array<[file: string, version: CDX.Spec.Version]> = [
    ['cyclonedx-hub/model.cdx.json', CDX.Spec.Version.v1dot6],
    ['cyclonedx-1.7-lookalike/bom.json', CDX.Spec.Version.v1dot7],
    ['cyclonedx-1.4-library/sbom.json', CDX.Spec.Version.v1dot4],
  ];
  for (const [file, version] of cyclonedx) {
    it(`${file}: CycloneDX ${version} (the library's strict validator)`, async () => {
      expect(await new CDX.Validation.JsonStrictValidator(version).validate(read(file))).to.equal(null);
    });
  }

  it('spdx3/model.spdx3.json: SPDX 3.0.1 (shared/schemas, JSON Schema 2020-12)', () => {
    const ajv = new Ajv2020.default({ allErrors: true, strict: false });
    addFormats.default(ajv as never);
    const validate = ajv.compile(JSON.parse(readFileSync(SPDX3_SCHEMA, 'utf8')));
    expect(validate(JSON.parse(read('spdx3/model.spdx3.json'))), JSON.stringify(validate.errors)).to.equal(true);
  });
});
