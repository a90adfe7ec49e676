import type { LoadConfigOptions } from '../config/load.js';
import type { Prepared } from '../engine/scan.js';
import type { HubClient } from '../sources/hub/client.js';
import type { HubClientOptions } from '../sources/hub/types.js';

export interface CheckOptions extends LoadConfigOptions, HubClientOptions {
  /** `hf:org/name[@rev]`, `org/name[@rev]`, Hub URLs. */
  refs: string[];
  prepared?: Prepared;
  /** A configured client to use for every ref (tests; the CLI builds one from the options). */
  client?: HubClient;
  /** Most bytes fetched for one file; past it the file is "not fully analysed". */
  maxFetchBytes?: number;
  /** Files at most this size are fetched whole in one request. */
  wholeFileBytes?: number;
  /** Most files analysed per repo; the rest are listed but not read (and said so). */
  maxFiles?: number;
  /** Files analysed at once. */
  concurrency?: number;
  /** YYYY-MM-DD used to expire suppressions; defaults to today (UTC). */
  today?: string;
  /** Called as each file finishes, for progress display. */
  onProgress?: (done: number, total: number, path: string) => void;
}

export const CHECK_DEFAULTS = {
  maxFetchBytes: 32 * 1024 * 1024,
  wholeFileBytes: 1024 * 1024,
  minFetchBytes: 4096,
  maxFiles: 5_000,
  concurrency: 4,
  /** README.md and configs read for repo facts. */
  maxCardBytes: 1024 * 1024,
} as const;
