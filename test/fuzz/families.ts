/**
 * The table of format families the fuzzer knows, in the order a seed is classified (magic bytes
 * first, then names, then text). Adding a format is a row here and a file in formats/.
 */
import type { FamilySpec } from './types.js';
import { compressed } from './formats/compressed.js';
import { gguf } from './formats/gguf.js';
import { hdf5 } from './formats/hdf5.js';
import { numpy } from './formats/numpy.js';
import { pickle } from './formats/pickle.js';
import { protobuf } from './formats/protobuf.js';
import { safetensors } from './formats/safetensors.js';
import { sevenzip } from './formats/sevenzip.js';
import { tar } from './formats/tar.js';
import { json, other, text } from './formats/text.js';
import { zip } from './formats/zip.js';

const LOCAL_HEADER = [0x50, 0x4b, 0x03, 0x04];

export const FAMILIES: readonly FamilySpec[] = [
  // Zip magic at byte 0 first: a torch zip's `P` would read as a pickle opcode.
  { ...zip, claims: (b) => LOCAL_HEADER.every((m, i) => b[i] === m) },
  gguf,
  numpy,
  sevenzip,
  hdf5,
  safetensors,
  tar,
  compressed,
  pickle,
  // A zip found from its end (bytes prepended) after pickle: a pickle/zip polyglot is read as the pickle torch.load runs.
  zip,
  protobuf,
  json,
  text,
  other,
];

const BY_ID = new Map(FAMILIES.map((f) => [f.id, f]));

export const familyIds = (): string[] => [...BY_ID.keys()];

export function familyById(id: string): FamilySpec {
  const spec = BY_ID.get(id);
  if (!spec) throw new Error(`unknown family ${id}; known: ${familyIds().join(', ')}`);
  return spec;
}

export function classify(bytes: Uint8Array, name: string): FamilySpec {
  return FAMILIES.find((f) => f.claims(bytes, name))!;
}
