/** A Hugging Face repository reference as users write it: `hf:org/name@rev`, `org/name@rev`, a Hub URL. */
export interface HubRef {
  repo: string;
  repoType: 'model' | 'dataset' | 'space';
  /** As asked; undefined means the default branch. */
  revision?: string;
  /** A file or folder inside the repo, when the reference named one (`.../blob/<rev>/<path>`, `.../tree/<rev>/<path>`). */
  path?: string;
  /** The origin of a Hub URL reference (`https://huggingface.co`); used only when no endpoint is configured. */
  endpoint?: string;
}

/** How the client retries 429, 5xx and network errors. */
export interface RetryPolicy {
  /** Attempts after the first one. */
  retries: number;
  /** First backoff delay; doubles per attempt, with jitter. */
  baseDelayMs: number;
  /** Ceiling of one backoff delay. */
  maxDelayMs: number;
  /** The longest wait a server may ask for (`Retry-After`, `RateLimit`) that the client still honours; longer means give up. */
  maxWaitMs: number;
}

export interface HubClientOptions {
  /** Hub base URL; defaults to `HF_ENDPOINT` or https://huggingface.co. */
  endpoint?: string;
  /** Access token; defaults to `HF_TOKEN`. Never printed, logged, or put in an error. */
  token?: string;
  /** Environment to read `HF_ENDPOINT` / `HF_TOKEN` from; defaults to `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  retry?: Partial<RetryPolicy>;
  /** Time allowed until response headers arrive, per attempt. */
  timeoutMs?: number;
  /** Time a response body may stall before the request is aborted. */
  idleTimeoutMs?: number;
  /** The fetch the client wraps (tests, proxies); defaults to the global fetch. */
  fetch?: typeof fetch;
  /** Replaceable for tests; defaults to setTimeout. */
  sleep?: (ms: number) => Promise<void>;
}

export interface HubFile {
  path: string;
  size: number;
  /** The LFS object's SHA-256 (a content hash) when the file is stored in LFS. */
  lfsSha256?: string;
  /** A Xet hash, when the Hub reports one: not a SHA-256 of the content. */
  xetHash?: string;
  /** The git blob id (SHA-1 of `blob <size>\0<content>`): not a SHA-256 of the content. */
  gitOid: string;
  /** True when the git blob is an LFS/Xet pointer, so `gitOid` says nothing about the content. */
  pointer?: boolean;
  /** The Hub's own scan of the file (`securityFileStatus` of the expanded listing), as it said. */
  hubScan?: HubFileScan;
}

/** The Hub's per-file scan verdict: reported, never trusted. */
export interface HubFileScan {
  /** `safe`, `unsafe`, `caution`, `unscanned`, … as the Hub said. */
  status: string;
  /** Imports the Hub's pickle scanner listed, as `module.name`, when it listed any. */
  pickleImports?: string[];
}

/** The Hub's repository-level scan (`?securityStatus=true`): reported, never trusted. */
export interface HubSecurityStatus {
  scansDone?: boolean;
  filesWithIssues: Array<{ path: string; level: string }>;
}

/** JSON as the server sent it; objects have a null prototype, so no key can reach `Object.prototype`. */
export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

/**
 * The repo document at one commit, checked field by field: a field the server sent in the wrong
 * shape is left out (and named in `invalidFields`), strings and lists are capped.
 */
export interface HubRepoDetails {
  /** The commit the document describes (always the one asked for: another one is an error). */
  sha?: string;
  author?: string;
  private?: boolean;
  /** Models and datasets only: spaces are not gated. */
  gated?: false | 'auto' | 'manual';
  disabled?: boolean;
  /** Models only. */
  pipelineTag?: string;
  /** Models only. */
  libraryName?: string;
  tags: string[];
  /** The card's front matter as the Hub parsed it (`cardData`); an object or absent. */
  cardData?: JsonObject;
  /** Models only: the Hub's digest of config.json (`model_type`, `architectures`, `auto_map`…); an object or absent. */
  config?: JsonObject;
  /** ISO date of the last change, when the Hub said. */
  lastModified?: string;
  /** Fields dropped (wrong shape) or cut short (over a cap), by their Hub name. */
  invalidFields: string[];
}

export interface ResolvedHubRepo {
  ref: HubRef;
  /** 40-hex commit the revision resolved to; every read is made at this commit. */
  commit: string;
  files: HubFile[];
  /** From the repo info at that commit, when the Hub said. */
  gated?: false | 'auto' | 'manual';
  private?: boolean;
}
