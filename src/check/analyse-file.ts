import { posix } from 'node:path';
import { analyseReader } from '../engine/analyse.js';
import type { AnalyseOptions } from '../engine/format-handler.js';
import { fileByteBudget } from '../engine/limits.js';
import { anomaly } from '../parsers/anomaly.js';
import { HubError } from '../sources/hub/errors.js';
import type { Anomaly, Artifact } from '../types.js';
import { HUB_CODES } from '../rules/hub/codes.js';
import type { RemoteRepoFiles } from './remote-files.js';

const MiB = 1024 * 1024;
const mib = (n: number): string => `${(n / MiB).toFixed(n < 10 * MiB ? 1 : 0)} MiB`;

/**
 * Anomalies at or past the first offset the cap refused describe the missing bytes (a stream
 * "truncated" where the fetching stopped), not the file: the cap's own finding replaces them.
 */
function dropPastCap(anomalies: Anomaly[], cutoff: number): Anomaly[] {
  return anomalies.filter((a) => a.offset === undefined || a.offset < cutoff);
}

function cappedAnomaly(path: string, size: number, cutoff: number, cap: number, fetched: number): Anomaly {
  return anomaly(
    HUB_CODES.notFullyAnalysed,
    `not fully analysed: ${path} is ${mib(size)} and reading it as its loader would needed more than the ${mib(cap)} fetch cap (stopped at byte ${cutoff}); what loading the rest would do is unknown`,
    cutoff,
    { cap, fetchedBytes: fetched, size, stoppedAt: cutoff },
  );
}

export interface RemoteFileResult {
  artifact: Artifact;
  /** Set when the file could not be read at all (a Hub error mid-check). */
  error?: string;
}

/**
 * Analyses one repo file through ranged reads, with the same parsers and limits as a local scan.
 * The artifact's path is `<root>/<file>`, so findings name the repo, the commit and the file.
 */
export async function analyseRemoteFile(files: RemoteRepoFiles, path: string, options: AnalyseOptions): Promise<RemoteFileResult> {
  const displayPath = `${files.root}/${path}`;
  const holders = new Set<string>();
  const reader = files.acquire(path)!;
  try {
    const budget = fileByteBudget(reader, options);
    const artifact = budget.finish(
      await analyseReader(budget.reader, displayPath, 0, options, {
        name: posix.basename(path),
        siblings: files.siblingsOf(path, holders),
      }),
    );
    if (reader.capped) {
      artifact.anomalies = dropPastCap(artifact.anomalies, reader.capped.offset);
      artifact.anomalies.push(cappedAnomaly(path, reader.size, reader.capped.offset, files.limits.maxBytes, files.fetchedBytes(path)));
    }
    return { artifact };
  } catch (err) {
    // A Hub failure after the repo was listed (connection lost, file gone), or a parser failure as
    // a local scan has them: either way this file is unchecked, which is a finding (fail closed).
    const failure = err instanceof HubError
      ? anomaly('source/unreadable', `could not be read from the Hub: ${err.message}`)
      : anomaly('engine/parser-error', `the parser failed, so the file was not analysed: ${(err as Error).message ?? String(err)}`);
    const artifact: Artifact = { path: displayPath, format: 'unknown', size: reader.size, children: [], anomalies: [failure] };
    return { artifact, error: failure.message };
  } finally {
    files.release(path);
    for (const held of holders) files.release(held);
  }
}
