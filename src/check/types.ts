import type { HubFileScan } from '../sources/hub/types.js';
import type { ArtifactBase, FormatId } from '../types.js';

export type { HubFileScan } from '../sources/hub/types.js';

/** How much of a remote file the check read. */
export type RemoteCoverage =
  /** Every byte the parsers asked for was fetched. */
  | 'complete'
  /** The per-file fetch cap stopped the reading: later bytes were not analysed. */
  | 'capped'
  /** Not read at all (over the file-count limit, or the listing was enough). */
  | 'skipped';


/** One file of the repo at the checked commit. */
export interface HubRepoFile {
  path: string;
  size: number;
  /** LFS SHA-256 (a content hash); absent for non-LFS files and Xet-only entries. */
  lfsSha256?: string;
  /** Git blob id: a content hash only of non-pointer files. */
  gitOid: string;
  /** The file is an LFS/Xet pointer in git. */
  pointer: boolean;
  xetHash?: string;
  /** Format the check's analysis found (absent when not read). */
  format?: FormatId;
  coverage: RemoteCoverage;
  /** Bytes the check fetched for this file. */
  fetchedBytes: number;
  hubScan?: HubFileScan;
}

/** The Hub's repository-level scan (`?securityStatus=true`); reported, never trusted. */
export interface HubRepoScan {
  scansDone?: boolean;
  filesWithIssues: Array<{ path: string; level: string }>;
}

export interface HubLicense {
  /** SPDX-style id or the Hub's id (`mit`, `apache-2.0`, `other`, `llama3`). */
  id?: string;
  /** `license_name` of a custom licence. */
  name?: string;
  /** `license_link` of a custom licence. */
  link?: string;
  /** Where it was read: the card's front matter / cardData, or a `license:` tag. */
  source: 'card' | 'tags';
}

/** `auto_map` entries of config.json / tokenizer_config.json: classes loaded from code. */
export interface HubAutoMap {
  /** The config file that holds it. */
  file: string;
  /** `AutoModel` → `modeling_x.MyModel` or `other/repo--modeling_x.MyModel`. */
  entries: Array<{ key: string; target: string }>;
}

/** A Hugging Face repository as `modelvet check` saw it at one commit. */
export interface HubRepoInfo {
  /** `org/name`. */
  repo: string;
  repoType: 'model' | 'dataset' | 'space';
  /** The revision the user asked for; absent means the default branch. */
  requestedRevision?: string;
  /** 40-hex commit every read was made at. */
  commit: string;
  endpoint: string;
  private?: boolean;
  gated?: false | 'auto' | 'manual';
  disabled?: boolean;
  author?: string;
  pipelineTag?: string;
  libraryName?: string;
  tags: string[];
  license?: HubLicense;
  /** `base_model` of the card, as written. */
  baseModels: string[];
  /** `.py` files in the repo (code `trust_remote_code=True` would run). */
  pythonFiles: string[];
  autoMap: HubAutoMap[];
  /** Absent when the Hub gave no scan status (a mirror, an old endpoint). */
  hubScan?: HubRepoScan;
  files: HubRepoFile[];
}

/** The repository itself: repo-level rules (weights, custom code, licence, access, Hub scan) read it. */
export interface HubRepoArtifact extends ArtifactBase {
  format: 'hub-repo';
  hub: HubRepoInfo;
}

/** What `check --format json` adds to a report: what was fetched, per repo and file. */
export interface FetchSummary {
  totalBytes: number;
  requests: number;
  repos: Array<{
    repo: string;
    commit: string;
    /** The Hub the repo was read from (no credentials). */
    endpoint: string;
    bytes: number;
    files: Array<{ path: string; size: number; bytes: number; requests: number; coverage: RemoteCoverage }>;
  }>;
}
