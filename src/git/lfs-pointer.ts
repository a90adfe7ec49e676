/**
 * Git LFS pointers, recognised exactly as git-lfs's smudge filter recognises them (lfs/pointer.go):
 * what git-lfs would replace with an object on checkout is a pointer here, and nothing else is.
 * Stricter would let a real checkpoint pass as a few lines of text; looser would report a missing
 * object for a text file that checks out as itself.
 *
 * git-lfs's reading: a blob under 1024 bytes, surrounding white space trimmed, lines split on `\n`
 * (a trailing `\r` dropped), blank lines skipped, then `version <one of its v1 spellings>`,
 * `oid sha256:<64 lowercase hex>`, `size <decimal>` in that order; `ext-<digit>-<name> sha256:<hex>`
 * lines may come between them. Any other key, an extra line or a bad value: not a pointer.
 */

/** git-lfs reads a blob of this size or more as content, never as a pointer. */
export const LFS_POINTER_MAX_BYTES = 1024;

const VERSIONS = new Set(['https://git-lfs.github.com/spec/v1', 'https://hawser.github.com/spec/v1', 'http://git-media.io/v/2']);
const KEYS = ['version', 'oid', 'size'] as const;
const OID = /^sha256:([0-9a-f]{64})$/;
/** git-lfs's `\Aext-\d{1}-\w+` (a prefix match) and its split into priority and name. */
const EXT_KEY = /^ext-[0-9]-[0-9A-Za-z_]/;
const INT64_MAX = 2n ** 63n - 1n;

export interface LfsExtension {
  name: string;
  priority: number;
  oid: string;
}

export interface LfsPointer {
  version: string;
  /** SHA-256 of the object, lowercase hex. */
  oid: string;
  /** The object's size in bytes (exact below 2^53, which any file on a disk is). */
  size: number;
  /** Extensions transform the object on checkout: what lands in the work tree is not the object. */
  extensions: LfsExtension[];
}

/** Go's unicode.IsSpace, which bytes.TrimSpace uses. */
function isGoSpace(c: number): boolean {
  return (
    (c >= 0x09 && c <= 0x0d) || c === 0x20 || c === 0x85 || c === 0xa0 || c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000
  );
}

function trimGoSpace(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && isGoSpace(text.charCodeAt(start))) start++;
  while (end > start && isGoSpace(text.charCodeAt(end - 1))) end--;
  return text.slice(start, end);
}

/** Go's strconv.ParseInt(s, 10, 64): optional sign, decimal digits, in int64 range. */
function parseInt64(text: string): bigint | undefined {
  if (!/^[+-]?[0-9]+$/.test(text)) return undefined;
  const value = BigInt(text);
  return value > INT64_MAX || value < -INT64_MAX - 1n ? undefined : value;
}

/** The pointer a blob is, or undefined when git-lfs would check it out as the blob itself. */
export function parseLfsPointer(blob: Uint8Array): LfsPointer | undefined {
  if (blob.length >= LFS_POINTER_MAX_BYTES) return undefined;
  const data = trimGoSpace(Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength).toString('utf8'));
  if (!/git-media|hawser|git-lfs/.test(data)) return undefined;
  const values = new Map<string, string>();
  const extensions = new Map<string, string>();
  let line = 0;
  for (const raw of data.split('\n')) {
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (text.length === 0) continue;
    const space = text.indexOf(' ');
    if (space < 0) return undefined;
    const key = text.slice(0, space);
    const value = text.slice(space + 1);
    if (line >= KEYS.length) return undefined;
    if (key !== KEYS[line]) {
      if (!EXT_KEY.test(key)) return undefined;
      extensions.set(key, value);
      continue;
    }
    line++;
    values.set(key, value);
  }
  const version = values.get('version');
  if (version === undefined || !VERSIONS.has(version)) return undefined;
  const oid = OID.exec(values.get('oid') ?? '')?.[1];
  if (oid === undefined) return undefined;
  const size = parseInt64(values.get('size') ?? '');
  if (size === undefined || size < 0n) return undefined;
  const parsedExtensions: LfsExtension[] = [];
  for (const [key, value] of extensions) {
    const [, priority, ...name] = key.split('-');
    const extOid = OID.exec(value)?.[1];
    if (extOid === undefined) return undefined;
    parsedExtensions.push({ name: name.join('-'), priority: Number(priority), oid: extOid });
  }
  if (new Set(parsedExtensions.map((e) => e.priority)).size !== parsedExtensions.length) return undefined;
  parsedExtensions.sort((a, b) => a.priority - b.priority);
  return { version, oid, size: Number(size), extensions: parsedExtensions };
}
