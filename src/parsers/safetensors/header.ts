/**
 * The checks the safetensors crate makes on a parsed header (`Metadata::validate` and serde's
 * typing), plus the ones the format's README demands that the crate lets through. The crate's
 * view is followed: of two equal tensor names the last counts, tensors are sorted by their
 * offsets, and those must tile the data section from 0 to its end with no gap or overlap.
 */
import { AnomalyList, quote } from './collector.js';
import { CODES } from './codes.js';
import { DTYPE_BITS } from './dtypes.js';
import { kindName, type DuplicateKey, type JsonEntry, type JsonNode } from './json.js';

export const U64_MAX = (1n << 64n) - 1n;
const SAFE_MAX = BigInt(Number.MAX_SAFE_INTEGER);
export const METADATA_KEY = '__metadata__';
/** Most `__metadata__` entries kept in the artifact (all are checked). */
export const MAX_METADATA_ENTRIES = 1000;

/** A tensor entry that passed the type checks, in the crate's integer domain. */
export interface CheckedTensor {
  name: string;
  dtype: string;
  bits: number;
  shape: bigint[];
  begin: bigint;
  end: bigint;
  /** Element count, when the shape does not overflow u64. */
  elements?: bigint;
  /** Byte position of the entry's key in the header. */
  at: number;
}

export interface HeaderCheck {
  /** The loader's view: one per distinct name (the last entry), those that passed the type checks. */
  tensors: CheckedTensor[];
  /** Every distinct tensor name, whether or not its entry is valid. */
  names: string[];
  metadata: Record<string, string>;
  metadataTruncated: boolean;
}

/** An unsigned integer the crate reads as u64 (serde `usize`); anything else is a reason string. */
function unsignedInteger(node: JsonNode): bigint | string {
  if (node.kind !== 'number') return `is ${kindName(node)}`;
  if (!node.integer) return `is ${kindName(node)}, not an integer`;
  if (node.text.startsWith('-')) return `is ${kindName(node)}, a negative number`;
  // 20 digits hold u64::MAX; a longer literal is past it, and BigInt() on it would be slow.
  if (node.text.length > 20 || BigInt(node.text) > U64_MAX) return `is ${kindName(node)}, past the largest 64-bit integer`;
  return BigInt(node.text);
}

function tensorWhere(name: string): string {
  return `tensor ${quote(name)}`;
}

function reportDuplicates(duplicates: DuplicateKey[], count: number, base: number, out: AnomalyList): void {
  for (const d of duplicates) {
    const where = d.path.length === 0 ? undefined : d.path[0] === METADATA_KEY ? 'in __metadata__' : `in the entry of ${tensorWhere(String(d.path[0]))}`;
    let message: string;
    if (where === undefined && d.key === METADATA_KEY) message = 'the header holds __metadata__ twice, so safetensors refuses to load the file';
    else if (where === undefined) message = `${tensorWhere(d.key)} appears twice in the header; safetensors silently keeps the last entry while other readers may keep the first`;
    else message = `the key ${quote(d.key)} appears twice ${where}; JSON readers disagree on which one counts`;
    out.add(CODES.duplicateKey, message, base + d.at, { key: d.key, path: d.path, firstOffset: base + d.first });
  }
  if (count > duplicates.length) {
    out.add(CODES.duplicateKey, `${count - duplicates.length} more duplicate keys in the header were not listed`, undefined, { unlisted: count - duplicates.length });
  }
}

function checkMetadata(entry: JsonEntry, base: number, out: AnomalyList): { metadata: Record<string, string>; truncated: boolean } {
  // Keys come from the file: a prototype-less object keeps `__proto__` an ordinary key.
  const metadata = Object.create(null) as Record<string, string>;
  let kept = 0;
  const node = entry.value;
  if (node.kind === 'null') return { metadata, truncated: false };
  if (node.kind !== 'object') {
    out.add(CODES.badMetadata, `__metadata__ is ${kindName(node)}, not an object of strings, so safetensors refuses to load the file`, base + entry.at);
    return { metadata, truncated: false };
  }
  for (const { key, value, at } of node.entries) {
    if (value.kind !== 'string') {
      out.add(CODES.badMetadata, `__metadata__ entry ${quote(key)} is ${kindName(value)}, not a string, so safetensors refuses to load the file`, base + at, { key });
      continue;
    }
    if (kept < MAX_METADATA_ENTRIES || key in metadata) {
      if (!(key in metadata)) kept++;
      metadata[key] = value.value;
    }
  }
  const distinct = new Set(node.entries.map((e) => e.key)).size;
  return { metadata, truncated: distinct > kept };
}

/** The three fields of an entry, from an object (serde's usual form) or a 3-item array (serde also reads structs positionally). */
function entryFields(name: string, entry: JsonEntry, base: number, out: AnomalyList): { dtype: JsonNode; shape: JsonNode; offsets: JsonNode } | undefined {
  const node = entry.value;
  if (node.kind === 'array') {
    const where = tensorWhere(name);
    out.add(CODES.positionalEntry, `${where} is written as an array, which safetensors reads positionally while other readers require an object`, base + entry.at);
    if (node.items.length !== 3) {
      out.add(CODES.badEntry, `${where} is an array of ${node.items.length} items, not [dtype, shape, data_offsets], so safetensors refuses to load the file`, base + entry.at);
      return undefined;
    }
    const [dtype, shape, offsets] = node.items as [JsonNode, JsonNode, JsonNode];
    return { dtype, shape, offsets };
  }
  if (node.kind !== 'object') {
    out.add(CODES.badEntry, `${tensorWhere(name)} is ${kindName(node)}, not an object with dtype, shape and data_offsets, so safetensors refuses to load the file`, base + entry.at);
    return undefined;
  }
  const fields = new Map<string, JsonNode>();
  const extraKeys = new Set<string>();
  for (const e of node.entries) {
    if (e.key === 'dtype' || e.key === 'shape' || e.key === 'data_offsets') fields.set(e.key, e.value);
    else extraKeys.add(e.key);
  }
  if (extraKeys.size > 0) {
    const extra = [...extraKeys];
    out.add(CODES.unexpectedField, `${tensorWhere(name)} carries fields safetensors ignores (${extra.slice(0, 5).map((k) => quote(k, 40)).join(', ')}${extra.length > 5 ? ', …' : ''}), a place to hide data other readers may act on`, base + entry.at, { fields: extra.slice(0, 20) });
  }
  const missing = ['dtype', 'shape', 'data_offsets'].filter((k) => !fields.has(k));
  if (missing.length > 0) {
    out.add(CODES.badEntry, `${tensorWhere(name)} has no ${missing.join(' or ')}, so safetensors refuses to load the file`, base + entry.at, { missing });
    return undefined;
  }
  return { dtype: fields.get('dtype')!, shape: fields.get('shape')!, offsets: fields.get('data_offsets')! };
}

function checkEntry(name: string, entry: JsonEntry, base: number, out: AnomalyList): CheckedTensor | undefined {
  const fields = entryFields(name, entry, base, out);
  if (!fields) return undefined;
  // Names are quoted only for a message: most entries need none.
  const where = () => tensorWhere(name);
  const offset = base + entry.at;
  let ok = true;

  let bits: number | undefined;
  const dtype = fields.dtype.kind === 'string' ? fields.dtype.value : undefined;
  if (dtype === undefined) {
    out.add(CODES.badDtype, `${where()} has a dtype that is ${kindName(fields.dtype)}, not a type name`, offset);
    ok = false;
  } else {
    bits = DTYPE_BITS.get(dtype);
    if (bits === undefined) {
      out.add(CODES.unknownDtype, `${where()} has dtype ${quote(dtype, 40)}, which safetensors does not know, so it refuses to load the file`, offset, { dtype });
      ok = false;
    }
  }

  const shape: bigint[] = [];
  if (fields.shape.kind !== 'array') {
    out.add(CODES.badShape, `${where()} has a shape that is ${kindName(fields.shape)}, not a list of dimensions, so safetensors refuses to load the file`, offset);
    ok = false;
  } else {
    for (const [i, item] of fields.shape.items.entries()) {
      const dim = unsignedInteger(item);
      if (typeof dim === 'string') {
        out.add(CODES.badShape, `${where()} has shape dimension ${i} that ${dim}, so safetensors refuses to load the file`, offset, { dimension: i });
        ok = false;
        break;
      }
      if (dim > SAFE_MAX) {
        // The crate takes it (a zero elsewhere keeps the product small); JavaScript readers cannot hold it exactly.
        out.add(CODES.badShape, `${where()} has shape dimension ${i} of ${dim}, too large for readers that use doubles to hold exactly`, offset, { dimension: i });
        ok = false;
        break;
      }
      shape.push(dim);
    }
  }

  let begin = 0n;
  let end = 0n;
  const offsets = fields.offsets;
  if (offsets.kind !== 'array' || offsets.items.length !== 2) {
    const what = offsets.kind === 'array' ? `a list of ${offsets.items.length}` : kindName(offsets);
    out.add(CODES.badOffsets, `${where()} has data_offsets that are ${what}, not [begin, end], so safetensors refuses to load the file`, offset);
    ok = false;
  } else {
    const b = unsignedInteger(offsets.items[0]!);
    const e = unsignedInteger(offsets.items[1]!);
    if (typeof b === 'string' || typeof e === 'string') {
      out.add(CODES.badOffsets, `${where()} has a data offset that ${typeof b === 'string' ? b : e}, so safetensors refuses to load the file`, offset);
      ok = false;
    } else {
      begin = b;
      end = e;
    }
  }
  if (!ok || bits === undefined || dtype === undefined) return undefined;
  return { name, dtype, bits, shape, begin, end, at: offset };
}

/** Element count × element size must be exactly the bytes the offsets give, in u64 without overflow. */
function checkSize(t: CheckedTensor, out: AnomalyList): void {
  const where = () => tensorWhere(t.name);
  const shapeText = () => `[${t.shape.join(', ')}]`;
  let elements = 1n;
  for (const dim of t.shape) {
    elements *= dim;
    if (elements > U64_MAX) {
      out.add(CODES.shapeOverflow, `${where()} has shape ${shapeText()}, whose element count overflows 64 bits, so safetensors refuses to load the file`, t.at);
      return;
    }
  }
  t.elements = elements;
  const bits = elements * BigInt(t.bits);
  if (bits > U64_MAX) {
    out.add(CODES.shapeOverflow, `${where()} has ${t.dtype} shape ${shapeText()}, whose byte size overflows 64 bits, so safetensors refuses to load the file`, t.at);
    return;
  }
  if (bits % 8n !== 0n) {
    out.add(CODES.subByteMisaligned, `${where()} has ${t.dtype} shape ${shapeText()}, which is ${bits} bits and does not end on a byte boundary, so safetensors refuses to load the file`, t.at);
    return;
  }
  const need = bits / 8n;
  if (t.end >= t.begin && t.end - t.begin !== need) {
    out.add(
      CODES.sizeMismatch,
      `${where()} has ${t.dtype} shape ${shapeText()}, which needs ${need} bytes, but its data_offsets [${t.begin}, ${t.end}] span ${t.end - t.begin}, so safetensors refuses to load the file`,
      t.at,
      { dtype: t.dtype, shape: t.shape.map(String), expectedBytes: String(need), begin: String(t.begin), end: String(t.end) },
    );
  }
}

/** Sorted by offsets, the tensors must tile [0, dataLength) exactly. */
function checkCoverage(tensors: CheckedTensor[], dataLength: number, out: AnomalyList): void {
  const sorted = [...tensors].sort((a, b) => (a.begin < b.begin ? -1 : a.begin > b.begin ? 1 : a.end < b.end ? -1 : a.end > b.end ? 1 : 0));
  const length = BigInt(dataLength);
  let cursor = 0n;
  let previous: CheckedTensor | undefined;
  for (const t of sorted) {
    const where = () => tensorWhere(t.name);
    const range = () => `[${t.begin}, ${t.end}]`;
    if (t.end < t.begin) {
      out.add(CODES.offsetsReversed, `${where()} has data_offsets ${range()} that end before they begin, so safetensors refuses to load the file`, t.at);
      continue;
    }
    if (t.begin > cursor) {
      out.add(CODES.offsetsGap, `${where()} starts at byte ${t.begin} of the data section, leaving bytes ${cursor}–${t.begin} unused (a hole the format forbids, where data can hide), so safetensors refuses to load the file`, t.at, { gapStart: String(cursor), gapEnd: String(t.begin) });
    } else if (t.begin < cursor && previous) {
      out.add(CODES.offsetsOverlap, `${where()} has data_offsets ${range()} that overlap ${tensorWhere(previous.name)} (which ends at ${previous.end}), so safetensors refuses to load the file`, t.at, { other: previous.name });
    }
    if (t.end > length) {
      out.add(CODES.offsetsOutOfBounds, `${where()} has data_offsets ${range()} that end past the ${dataLength}-byte data section, so safetensors refuses to load the file`, t.at, { dataLength });
    }
    if (t.end > cursor) {
      cursor = t.end;
      previous = t;
    }
  }
  if (cursor < length) {
    out.add(CODES.trailingData, `${length - cursor} bytes after the last tensor are not covered by any tensor (the data section must be fully indexed), so safetensors refuses to load the file`, undefined, { unusedBytes: String(length - cursor), dataLength });
  }
}

/**
 * Checks a parsed header against the data section's length. `base` is the header's position in
 * the file, so anomalies carry file offsets.
 */
export function checkHeader(root: JsonNode, duplicates: DuplicateKey[], duplicateCount: number, dataLength: number, base: number, out: AnomalyList): HeaderCheck {
  const empty: HeaderCheck = { tensors: [], names: [], metadata: Object.create(null) as Record<string, string>, metadataTruncated: false };
  if (root.kind !== 'object') {
    out.add(CODES.headerNotObject, `the header is ${kindName(root)}, not a JSON object of tensors, so safetensors refuses to load the file`, base + root.at);
    return empty;
  }
  reportDuplicates(duplicates, duplicateCount, base, out);

  // serde keeps the last of two equal tensor names (a HashMap), so the last entry is the one loaded.
  const entries = new Map<string, JsonEntry>();
  let metadataEntry: JsonEntry | undefined;
  for (const e of root.entries) {
    if (e.key === METADATA_KEY) metadataEntry ??= e;
    else entries.set(e.key, e);
  }
  const { metadata, truncated } = metadataEntry ? checkMetadata(metadataEntry, base, out) : { metadata: empty.metadata, truncated: false };

  const tensors: CheckedTensor[] = [];
  for (const [name, entry] of entries) {
    if (name === '__proto__') {
      out.add(CODES.prototypeName, `a tensor is named "__proto__": safetensors loads it like any other, but JavaScript readers that copy tensors into plain objects may lose it or corrupt their state`, base + entry.at);
    }
    const t = checkEntry(name, entry, base, out);
    if (t) tensors.push(t);
  }
  for (const t of tensors) checkSize(t, out);
  // With an entry the crate cannot type, it refuses the file before looking at offsets; checking them would only add noise.
  if (tensors.length === entries.size) checkCoverage(tensors, dataLength, out);
  return { tensors, names: [...entries.keys()], metadata, metadataTruncated: truncated };
}
