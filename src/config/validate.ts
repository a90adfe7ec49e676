import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject } from 'ajv';
import { packagePath } from '../util/package-root.js';
import { UsageError } from '../util/errors.js';
import type { ConfigFile } from './types.js';

const schema = JSON.parse(readFileSync(packagePath('schemas', 'config.schema.json'), 'utf8'));
const ajv = new Ajv({ allErrors: true, strict: true });
const validateFn = ajv.compile<ConfigFile>(schema);

/** Names the offending key the way a user writes it: `rules.pickle/foo`, `suppressions[0].reason`. */
function keyOf(error: ErrorObject): string {
  const parts = error.instancePath
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (error.keyword === 'additionalProperties') parts.push(String(error.params.additionalProperty));
  if (error.keyword === 'required') parts.push(String(error.params.missingProperty));
  if (error.keyword === 'propertyNames') parts.push(String(error.params.propertyName));
  return parts.reduce((acc, p) => (/^\d+$/.test(p) ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), '') || '(top level)';
}

function describe(error: ErrorObject): string {
  switch (error.keyword) {
    case 'additionalProperties':
      return 'is not a known setting';
    case 'required':
      return 'is required';
    case 'enum':
      return `must be one of ${(error.params.allowedValues as unknown[]).join(', ')}`;
    case 'propertyNames':
      return 'is not a valid rule id (category/name)';
    case 'type':
      return error.params.type === 'integer' ? 'must be a whole number' : (error.message ?? 'is invalid');
    case 'minimum':
      return `must be at least ${error.params.limit}`;
    case 'maximum':
      return `must be at most ${error.params.limit}`;
    default:
      return error.message ?? 'is invalid';
  }
}

export function validateConfig(data: unknown, file: string): ConfigFile {
  if (validateFn(data)) return data;
  const errors = validateFn.errors ?? [];
  // propertyNames reports twice (the name, then the pattern); keep the most specific per key.
  const first = errors.find((e) => e.keyword !== 'pattern' || !errors.some((o) => o.keyword === 'propertyNames')) ?? errors[0];
  throw new UsageError(`invalid configuration ${file}: '${keyOf(first)}' ${describe(first)}`);
}
