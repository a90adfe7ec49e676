/**
 * Loads loader advisories: the shipped `policy/loader-advisories.json` and the files a config
 * names under `advisories`. Each is validated against schemas/advisories.schema.json with ajv
 * and then semantically (every range and fixed version parses in its ecosystem), once per file.
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { normalizeName } from '../../parsers/deps/pep508.js';
import { packagePath } from '../../util/package-root.js';
import { isNpmRange, isNpmVersion } from './npm.js';
import { parseSpecifier, parseVersion } from '../../parsers/deps/pep440.js';
import type { AdvisoryFile } from './types.js';

export const SHIPPED_ADVISORIES = packagePath('policy', 'loader-advisories.json');

/** A file that is not a valid advisories file; config loading turns it into a usage error (exit 2). */
export class AdvisoryFileError extends Error {}

let validator: ValidateFunction<AdvisoryFile> | undefined;

function schemaValidator(): ValidateFunction<AdvisoryFile> {
  if (!validator) {
    const schema = JSON.parse(readFileSync(packagePath('schemas', 'advisories.schema.json'), 'utf8'));
    validator = new Ajv({ allErrors: true, strict: true }).compile<AdvisoryFile>(schema);
  }
  return validator;
}

function describe(error: ErrorObject): string {
  const at = error.instancePath || '(top level)';
  if (error.keyword === 'additionalProperties') return `${at}: '${String(error.params.additionalProperty)}' is not a known field`;
  if (error.keyword === 'required') return `${at}: '${String(error.params.missingProperty)}' is required`;
  if (error.keyword === 'enum') return `${at} must be one of ${(error.params.allowedValues as unknown[]).join(', ')}`;
  return `${at} ${error.message ?? 'is invalid'}`;
}

/** Checks what the schema cannot: ranges and versions parse, PyPI names are normalised, ids are unique. */
function semanticProblems(file: AdvisoryFile): string | undefined {
  const ids = new Set<string>();
  for (const [i, a] of file.advisories.entries()) {
    const at = `/advisories/${i} (${a.id})`;
    if (ids.has(a.id)) return `${at}: the id is listed twice`;
    ids.add(a.id);
    if (a.ecosystem === 'pypi') {
      if (normalizeName(a.package) !== a.package) return `${at}: package '${a.package}' is not PEP 503-normalised (${normalizeName(a.package)})`;
      for (const r of a.affected) if (!parseSpecifier(r)) return `${at}: '${r}' is not a PEP 440 specifier set`;
      for (const f of a.fixed) if (!parseVersion(f)) return `${at}: fixed '${f}' is not a PEP 440 version`;
    } else {
      for (const r of a.affected) if (!isNpmRange(r)) return `${at}: '${r}' is not a semver range`;
      for (const f of a.fixed) if (!isNpmVersion(f)) return `${at}: fixed '${f}' is not a semver version`;
    }
  }
  return undefined;
}

/** Validates parsed JSON as an advisories file; throws AdvisoryFileError naming the first problem. */
export function validateAdvisoryFile(data: unknown, label: string): AdvisoryFile {
  const validate = schemaValidator();
  if (!validate(data)) throw new AdvisoryFileError(`${label}: ${describe(validate.errors![0]!)}`);
  const problem = semanticProblems(data);
  if (problem) throw new AdvisoryFileError(`${label}: ${problem}`);
  return data;
}

const cache = new Map<string, AdvisoryFile>();

/** Reads and validates one advisories file (absolute path), once per process. */
export function loadAdvisoryFile(path: string): AdvisoryFile {
  const cached = cache.get(path);
  if (cached) return cached;
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new AdvisoryFileError(`${path}: ${e.code ? `cannot be read (${e.code})` : `is not valid JSON (${e.message})`}`);
  }
  const file = validateAdvisoryFile(data, path);
  cache.set(path, file);
  return file;
}

/** The advisories modelvet ships. A broken shipped file is a packaging bug: it throws. */
export const loadShippedAdvisories = (): AdvisoryFile => loadAdvisoryFile(SHIPPED_ADVISORIES);
