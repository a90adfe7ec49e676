/** The lockfile (`modelvet.lock.json`, schema in schemas/lockfile.schema.json) and integrity status shared by lock, verify and scan. */

export interface LockedFile {
  /** Posix path relative to the model's root (the local folder, or the repo root for a Hub model). */
  path: string;
  size: number;
  sha256: string;
  /** Where the digest came from: hashed locally, the Hub's LFS metadata, or a Hub file downloaded and hashed. */
  from: 'local' | 'hub-lfs' | 'hub-download';
}

export type LockSource =
  | {
      type: 'hf';
      repo: string;
      repoType: 'model' | 'dataset' | 'space';
      /** The revision asked for (`main`, a tag, or the commit itself). */
      revision: string;
      /** The 40-hex commit it resolved to. */
      commit: string;
    }
  | {
      type: 'local';
      /** Posix path of the model folder (or single file) relative to the lockfile's folder. */
      path: string;
    };

export interface LockedModel {
  source: LockSource;
  /** Sorted by path. */
  files: LockedFile[];
}

export interface Lockfile {
  lockfileVersion: 1;
  /** Sorted: Hub models by repo, then local ones by path. */
  models: LockedModel[];
}

/** A digest some trusted record expects a file to have. */
export interface ExpectedDigest {
  sha256: string;
  size?: number;
  source: 'lockfile' | 'bom' | 'signing-manifest' | 'hf-cache';
  /** The record: lockfile or BOM or manifest path, or the cache blob name. */
  where: string;
}

export interface IntegrityStatus {
  expected: ExpectedDigest[];
  /** Measured SHA-256, set when there was something to compare it with. */
  actualSha256?: string;
  /** Measured size in bytes, set with `actualSha256` (a lockfile's size is compared too). */
  actualSize?: number;
  /**
   * A Hugging Face cache blob named by 40 hex digits: a git blob id, `sha1("blob <size>\0" + content)`.
   * It pins the content as firmly as a SHA-256 name does, so it counts as an expectation.
   */
  gitBlob?: { expected: string; actual?: string; where: string };
  /**
   * Byte ranges of this file a signing manifest (serialization `shards`) covers, checked: the
   * manifest records the file even though no whole-file digest exists.
   */
  signedShards?: { where: string; checked: number; mismatches: Array<{ start: number; end: number; expected: string | null; actual: string | null }> };
  /**
   * Records that cover this file's folder but not the file: a locked local folder (or locked Hub
   * commit) without an entry for it, a signed model folder whose manifest does not list it.
   */
  notRecorded?: Array<{ by: 'lockfile' | 'signing-manifest'; where: string }>;
  /** Why the file could not be hashed, when it could not (then nothing was compared). */
  error?: string;
}
