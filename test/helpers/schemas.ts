import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import AjvDraft04 from 'ajv-draft-04';

const here = (rel: string): string => fileURLToPath(new URL(rel, import.meta.url));

/** The project's report schema (draft-07). */
export function reportValidator() {
  const ajv = new Ajv({ allErrors: true, strict: true });
  return ajv.compile(JSON.parse(readFileSync(here('../../schemas/report.schema.json'), 'utf8')));
}

/** The official SARIF 2.1.0 schema (draft-04), from ../shared/schemas. */
export function sarifValidator() {
  const ajv = new AjvDraft04({ allErrors: true, strict: false });
  addFormats.default(ajv as never);
  return ajv.compile(JSON.parse(readFileSync(here('../../../shared/schemas/sarif-schema-2.1.0.json'), 'utf8')));
}
