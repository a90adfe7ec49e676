import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describeAjvError } from '../util/ajv-errors.js';
import { packagePath } from '../util/package-root.js';
import type { Lockfile } from './types.js';

const schema = JSON.parse(readFileSync(packagePath('schemas', 'lockfile.schema.json'), 'utf8'));
const ajv = new Ajv({ allErrors: true, strict: true });
const validateFn = ajv.compile<Lockfile>(schema);


/**
 * What the schema cannot say: a path locked twice in one model, or two entries for one source
 * (which of two digests would verify then?).
 */
function duplicates(lock: Lockfile): string[] {
  const problems: string[] = [];
  const sources = new Set<string>();
  lock.models.forEach((model, i) => {
    const key = sourceKey(model.source);
    if (sources.has(key)) problems.push(`/models/${i}/source: a second entry for ${key}`);
    sources.add(key);
    const seen = new Set<string>();
    model.files.forEach((file, j) => {
      if (seen.has(file.path)) problems.push(`/models/${i}/files/${j}/path: '${file.path}' is listed twice`);
      seen.add(file.path);
    });
  });
  return problems;
}

/** One key per source: `lock` replaces the entry with the same key. */
export function sourceKey(source: Lockfile['models'][number]['source']): string {
  return source.type === 'hf' ? `hf:${source.repoType}/${source.repo}` : `local:${source.path}`;
}

/**
 * Checks parsed JSON against schemas/lockfile.schema.json and the uniqueness rules; returns the
 * problems (at most a few, JSON-pointer first), empty when the data is a valid lockfile.
 */
export function lockfileProblems(data: unknown): string[] {
  if (!validateFn(data)) {
    // The if/then over a source's type reports the branch's own errors and then "must match
    // then/else schema"; the branch errors say more.
    const errors = (validateFn.errors ?? []).filter((e) => e.keyword !== 'if');
    return errors.slice(0, 3).map(describeAjvError);
  }
  return duplicates(data);
}

export function isLockfile(data: unknown): data is Lockfile {
  return lockfileProblems(data).length === 0;
}
