import type { ErrorObject } from 'ajv';

/** An ajv error as one line naming where in the document it is. */
export function describeAjvError(error: ErrorObject): string {
  const at = error.instancePath || '(top level)';
  switch (error.keyword) {
    case 'additionalProperties':
      return `${at}: unknown property '${String(error.params.additionalProperty)}'`;
    case 'required':
      return `${at}: missing '${String(error.params.missingProperty)}'`;
    case 'enum':
      return `${at}: must be one of the schema's values (${(error.params.allowedValues as unknown[]).slice(0, 8).map(String).join(', ')}${(error.params.allowedValues as unknown[]).length > 8 ? ', …' : ''})`;
    case 'const':
      return `${at}: must be ${JSON.stringify(error.params.allowedValue)}`;
    default:
      return `${at}: ${error.message ?? 'is invalid'}`;
  }
}

/** Ajv lists a failed `oneOf` and each branch's complaint; keep each distinct line once, in order. */
export function distinct(lines: readonly string[]): string[] {
  return [...new Set(lines)];
}
