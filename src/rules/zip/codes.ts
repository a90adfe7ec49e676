/**
 * Container anomalies fall to exactly one rule: a loader/scanner divergence, a torch layout
 * torch.save never writes, or (everything else) "cannot be analysed faithfully".
 */

/** Places where PyTorch's loader and a generic reader (what most scanners use) see different bytes. */
export const DIVERGENCE_CODES = new Set([
  'zip/duplicate-name',
  'zip/case-collision',
  'zip/nul-in-name',
  'zip/name-mismatch',
  'zip/flag-bits',
  'zip/bad-crc',
  'zip/prepended-data',
  'zip/central-directory-shift',
  'zip/entry-count-mismatch',
  'zip/multiple-eocd',
  'zip/zip64-mismatch',
  'zip/multi-disk',
  'zip/unsupported-version',
  'zip/size-inconsistent',
  'zip/directory-with-data',
  'torch/record-case',
  'torch/legacy-fallback',
  'tar/duplicate-name',
  'tar/bad-checksum',
  'container/pickle-zip-polyglot',
]);

/** Layouts torch.save never writes; the loader either ignores or rejects them. */
export const TORCH_LAYOUT_CODES = new Set([
  'torch/no-archive-folder',
  'torch/outside-archive',
  'torch/storage-name',
  'torch/unexpected-member',
  'torch/missing-record',
  'torch/bad-version',
  'torch/bad-byteorder',
  'torch/legacy-protocol-version',
]);

const PREFIXES = ['zip/', 'tar/', 'archive/', 'container/', 'torch/'];

/** Anything else a container parser reports: truncation, limits, links, unsupported features. */
export const isMalformedContainer = (code: string): boolean =>
  PREFIXES.some((p) => code.startsWith(p)) && !DIVERGENCE_CODES.has(code) && !TORCH_LAYOUT_CODES.has(code);
