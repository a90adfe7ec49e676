export { ZIP_ANOMALY_CODES, type ZipAnomalyCode } from './anomalies.js';
export { readZipDirectory, type ReadZipDirectoryOptions } from './directory.js';
export { ZipLimitError, ZipMemberError } from './errors.js';
export { locateAsGeneric, locateAsLoader } from './lookup.js';
export { isZipMagic } from './magic.js';
export {
  badCrcAnomaly,
  checkCrc,
  computeCrc,
  openMember,
  openMemberChecked,
  type OpenMemberOptions,
} from './member.js';
export type { OpenedMember, ZipArtifact, ZipDirectory, ZipEntry } from './types.js';
