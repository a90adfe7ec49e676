import type { ArtifactBase } from '../../types.js';

/** A tar archive that is not a legacy torch checkpoint; its members with data are children. */
export interface TarArtifact extends ArtifactBase {
  format: 'tar';
  /** `members`: headers read (links, directories and devices included), up to maxArchiveMembers. */
  tar: { members: number };
}

/** A 7z archive; members of folders it can decode are children, the rest are named in anomalies. */
export interface SevenZipArtifact extends ArtifactBase {
  format: '7z';
  /** `members`: entries the header lists (files, empty files, directories); absent when the header could not be read. */
  sevenZip: { members?: number };
}
