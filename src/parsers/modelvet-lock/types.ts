import type { ArtifactBase } from '../../types.js';
import type { Lockfile } from '../../integrity/types.js';

/** A `modelvet.lock.json` met in a scan: its Hub sources are model references (publisher rules read them). */
export interface ModelvetLockArtifact extends ArtifactBase {
  format: 'modelvet-lock';
  /** Undefined when the file is not a valid lockfile (an anomaly says why). */
  lock?: Lockfile;
}
