import type { ArtifactBase } from '../../types.js';
import type { PickleAnalysis } from '../pickle/types.js';

/** A `torch.save` zip checkpoint or a TorchScript archive (same container, more records). */
export interface TorchZipArtifact extends ArtifactBase {
  format: 'pytorch-zip' | 'torchscript';
  torch: {
    /** The archive's top folder (`archive`, or the name given to torch.save). */
    archiveName: string;
    /** Member names as the loader resolves them (first of duplicates). */
    records: string[];
    /** `version` record, when present. */
    version?: string;
    /** TorchScript code members (`code/…`), present only in TorchScript archives. */
    codeFiles: string[];
    /** Members whose bytes are pickles, analysed as child artifacts. */
    pickleMembers: string[];
  };
}

/** A pre-1.6 `torch.save` file: stacked pickles (magic, protocol, sys_info, object, storage keys) then storage bytes. */
export interface TorchLegacyArtifact extends ArtifactBase {
  format: 'pytorch-legacy';
  pickle: PickleAnalysis;
  legacy: {
    /** Whether the first pickle's value is the legacy magic number the loader demands. */
    magicOk: boolean;
    protocolVersion?: number;
    /** Offset where storage data begins (end of the fifth pickle). */
    dataOffset?: number;
  };
}

/** The oldest `torch.save` layout: an uncompressed tar with `sys_info`, `pickle`, `storages`, `tensors`. */
export interface TorchLegacyTarArtifact extends ArtifactBase {
  format: 'pytorch-legacy-tar';
  tar: { members: string[] };
}
