import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import { packagePath } from '../util/package-root.js';
import type { CacheEntryFile } from './types.js';

let validator: ValidateFunction<CacheEntryFile> | undefined;

/** Compiled on first use: a run that never reads an entry never pays for it. */
export function isCacheEntry(data: unknown): data is CacheEntryFile {
  validator ??= new Ajv({ allErrors: false, strict: true }).compile<CacheEntryFile>(JSON.parse(readFileSync(packagePath('schemas', 'cache-entry.schema.json'), 'utf8')));
  return validator(data);
}
