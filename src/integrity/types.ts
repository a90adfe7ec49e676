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
}
