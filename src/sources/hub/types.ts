/** A Hugging Face repository reference as users write it: `hf:org/name@rev`, `org/name@rev`, a Hub URL. */
export interface HubRef {
  repo: string;
  repoType: 'model' | 'dataset' | 'space';
  /** As asked; undefined means the default branch. */
  revision?: string;
}

export interface HubClientOptions {
  /** Hub base URL; defaults to `HF_ENDPOINT` or https://huggingface.co. */
  endpoint?: string;
  /** Access token; defaults to `HF_TOKEN`. Never printed, logged, or put in an error. */
  token?: string;
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
}

export interface ResolvedHubRepo {
  ref: HubRef;
  /** 40-hex commit the revision resolved to; every read is made at this commit. */
  commit: string;
  files: HubFile[];
}
