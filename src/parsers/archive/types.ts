import type { ArtifactBase } from '../../types.js';

/** A tar archive that is not a legacy torch checkpoint; its members are children. */
export interface TarArtifact extends ArtifactBase {
  format: 'tar';
  tar: { members: number };
}

/** A 7z archive. */
export interface SevenZipArtifact extends ArtifactBase {
  format: '7z';
  sevenZip: { members?: number };
}
