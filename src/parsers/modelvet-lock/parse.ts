import type { AnalyseContext } from '../../engine/format-handler.js';
import { INTEGRITY_CODES } from '../../integrity/codes.js';
import { lockfileProblems } from '../../integrity/lockfile-schema.js';
import type { Lockfile } from '../../integrity/types.js';
import type { ByteReader, ModelRef } from '../../types.js';
import { anomaly } from '../anomaly.js';
import type { ModelvetLockArtifact } from './types.js';

/** Hub entries are records of repositories at a commit: the provenance rules read them. */
function refsOf(lock: Lockfile): ModelRef[] {
  return lock.models.flatMap((m) =>
    m.source.type === 'hf'
      ? [{ repo: m.source.repo, repoType: m.source.repoType, revision: { kind: 'literal' as const, value: m.source.commit }, use: 'record' as const, via: 'modelvet.lock.json' }]
      : [],
  );
}

/**
 * A modelvet.lock.json met in a scan: read whole up to the JSON limit, validated against
 * schemas/lockfile.schema.json. Anything else is `lock/malformed` (a high finding): a lockfile
 * that pins nothing must not pass for one that does.
 */
export async function parseModelvetLock(reader: ByteReader, context: AnalyseContext): Promise<ModelvetLockArtifact> {
  const base = { path: context.path, format: 'modelvet-lock' as const, size: reader.size, children: [] };
  const limit = context.options.maxJsonBytes;
  if (reader.size > limit) {
    return { ...base, anomalies: [anomaly(INTEGRITY_CODES.lockMalformed, `the lockfile is ${reader.size} bytes, over the ${limit}-byte JSON limit, so it was not read`, undefined, { size: reader.size, limit })] };
  }
  const bytes = await reader.read(0, reader.size);
  let data: unknown;
  try {
    data = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (err) {
    return { ...base, anomalies: [anomaly(INTEGRITY_CODES.lockMalformed, `the lockfile is not valid JSON (${(err as Error).message.split('\n')[0]}), so it pins nothing`)] };
  }
  const problems = lockfileProblems(data);
  if (problems.length) {
    return { ...base, anomalies: [anomaly(INTEGRITY_CODES.lockMalformed, `the lockfile does not match its schema (${problems.join('; ')}), so it pins nothing`, undefined, { problems })] };
  }
  const lock = data as Lockfile;
  const refs = refsOf(lock);
  return { ...base, anomalies: [], lock, ...(refs.length ? { modelRefs: refs } : {}) };
}
