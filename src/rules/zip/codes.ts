/**
 * Container anomalies fall to exactly one rule. The archive-hygiene rules (src/rules/archive)
 * take what extraction or decompression would do (`ARCHIVE_RULE_CODES`); of the rest, a
 * loader/scanner divergence goes to zip/loader-divergence, a torch layout torch.save never
 * writes to torch/unexpected-layout, other `archive/`, `tar/` and `7z/` codes to archive/malformed, and
 * everything else a container parser reports to zip/malformed.
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
  'container/pickle-polyglot',
  'container/polyglot',
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

/** The archive-hygiene rules and the codes each one takes. */
export const ARCHIVE_RULE_CODES = {
  'archive/path-traversal': new Set(['tar/path-traversal', 'zip/path-traversal', '7z/path-traversal']),
  'archive/link-member': new Set(['tar/link', 'zip/symlink', '7z/link']),
  'archive/special-member': new Set(['tar/special-member']),
  'archive/decompression-bomb': new Set(['archive/decompression-bomb']),
  'archive/resource-limit': new Set([
    'archive/decompression-limit',
    'archive/depth-limit',
    'archive/member-limit',
    'tar/too-many-entries',
    'zip/too-many-entries',
    'zip/member-too-large',
    '7z/too-many-entries',
  ]),
  'archive/unsupported': new Set(['archive/unsupported-compression', 'tar/sparse', 'zip/unsupported-method', '7z/unsupported-coder']),
} as const;

const ROUTED = new Set<string>(Object.values(ARCHIVE_RULE_CODES).flatMap((s) => [...s]));

const taken = (code: string): boolean => ROUTED.has(code) || DIVERGENCE_CODES.has(code) || TORCH_LAYOUT_CODES.has(code);

const ARCHIVE_PREFIXES = ['archive/', 'tar/', '7z/'];

/** archive/malformed: truncated or corrupt tars, 7z headers and compressed streams, data no reader shows. */
export const isMalformedArchive = (code: string): boolean => ARCHIVE_PREFIXES.some((p) => code.startsWith(p)) && !taken(code);

const ZIP_PREFIXES = ['zip/', 'container/', 'torch/'];

/** zip/malformed: anything else a zip or torch container parser reports (truncation, encryption, bad records). */
export const isMalformedContainer = (code: string): boolean => ZIP_PREFIXES.some((p) => code.startsWith(p)) && !taken(code);
