import type { LocalFile, SiblingFiles } from '../../engine/format-handler.js';
import { loaderParts, siblingFolder, type SiblingFolder } from '../../sources/local-siblings.js';
import type { Anomaly } from '../../types.js';
import { anomaly } from '../anomaly.js';
import { ONNX_CODES, type OnnxCode } from './codes.js';
import type { StringEntry } from './schema.js';
import type { OnnxExternalData } from './types.js';

/** A tensor whose bytes live in another file (TensorProto.data_location == EXTERNAL). */
export interface ExternalRef {
  tensor: string;
  entries: StringEntry[];
}

/**
 * The keys onnx reads (onnx/external_data_helper.py `_ALLOWED_EXTERNAL_DATA_KEYS`; `basepath`
 * is written by onnx itself). Older onnx set every key as an attribute of ExternalDataInfo.
 */
const KNOWN_KEYS = new Set(['location', 'offset', 'length', 'checksum', 'basepath']);

/** Python's int() on a decimal string: surrounding spaces, a sign and digit-group underscores. */
const PY_INT = /^\s*([+-]?)(\d+(?:_\d+)*)\s*$/;

function parseIntField(value: string | undefined): number | undefined | 'invalid' {
  if (value === undefined) return undefined;
  const m = PY_INT.exec(value);
  if (!m) return 'invalid';
  const n = Number(m[2].replaceAll('_', ''));
  return m[1] === '-' && n !== 0 ? 'invalid' : n;
}

/** `/x`, `\x`, `C:x`, `\\server\share`: every form some loader on some OS treats as not relative to the model. */
const isAbsoluteLike = (location: string): boolean => /^[\\/]/.test(location) || /^[A-Za-z]:/.test(location);

/** Whether the location leaves its folder once `.`/`..` are resolved, with both separators (Windows loaders split on either). */
function climbsOut(location: string): boolean {
  let depth = 0;
  for (const part of location.split(/[\\/]+/)) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (--depth < 0) return true;
    } else depth++;
  }
  return false;
}

const quote = (s: string): string => `'${s.length > 200 ? `${s.slice(0, 200)}…` : s}'`;

interface Issue {
  code: OnnxCode;
  /** The sentence after "tensor X's external data …". */
  text: string;
  location: string;
  detail?: Record<string, unknown>;
}

/**
 * What the model's folder (a local disk, component by component, or a repo listing) says about
 * the path. Only a disk has links, folders, devices and hard links; a listing has the file or not.
 */
async function checkInFolder(folder: SiblingFolder, location: string, offset: number | undefined, length: number | undefined): Promise<Issue | undefined> {
  if (loaderParts(location).length === 0) return { code: ONNX_CODES.externalNotFile, location, text: `location ${quote(location)} names the model's own folder: loading fails` };
  const beside = folder.kind === 'disk' ? 'beside the model' : 'in the repo';
  const found = await folder.findNoFollow(location);
  switch (found.kind) {
    case 'absent':
      return {
        code: ONNX_CODES.externalMissing,
        location,
        text: found.notFolder === undefined ? `file ${quote(location)} does not exist ${beside}: loading fails` : `file ${quote(location)} does not exist ${beside} (${found.notFolder} is not a folder): loading fails`,
      };
    case 'error':
      return { code: ONNX_CODES.externalMissing, location, text: `file ${quote(location)} could not be checked (${found.reason}): loading it may fail` };
    case 'symlink':
      return {
        code: ONNX_CODES.externalSymlink,
        location,
        text: `${quote(location)} passes through the symlink ${found.through} -> ${found.target}: loading follows it to whatever file the link names (CVE-2026-27489)`,
        detail: { link: found.through, target: found.target },
      };
    case 'not-file':
      return { code: ONNX_CODES.externalNotFile, location, text: `${quote(location)} is ${found.what}, not a regular file: loading fails or blocks` };
    case 'file': {
      const from = offset ?? 0;
      if (from > found.size || (length !== undefined && from + length > found.size)) {
        const range = length !== undefined ? `bytes ${from}–${from + length}` : `bytes from ${from}`;
        return {
          code: ONNX_CODES.externalOutOfRange,
          location,
          text: `asks for ${range} of ${quote(location)}, which is ${found.size} bytes long: loading fails or reads the wrong bytes`,
          detail: { offset: from, ...(length !== undefined ? { length } : {}), fileSize: found.size },
        };
      }
      if (found.links !== undefined && found.links > 1) {
        return {
          code: ONNX_CODES.externalHardlink,
          location,
          text: `file ${quote(location)} has ${found.links} hard links: onnx refuses it because a hard link can expose any file on the same disk, while other loaders read it`,
          detail: { links: found.links },
        };
      }
      return undefined;
    }
  }
}

async function issuesOf(ref: ExternalRef, folder: SiblingFolder | undefined): Promise<Issue[]> {
  const values = new Map<string, string>();
  const issues: Issue[] = [];
  for (const { key, value } of ref.entries) {
    // Like setattr in a loop: a repeated key's last value wins.
    values.set(key, value);
    if (!KNOWN_KEYS.has(key)) {
      issues.push({
        code: ONNX_CODES.externalUnknownKey,
        location: '',
        text: `sets the key ${quote(key)}: older onnx sets every key as an attribute of its ExternalDataInfo object (CVE-2026-34445), current onnx ignores it`,
        detail: { key, value: value.slice(0, 200) },
      });
    }
  }
  const location = values.get('location') ?? '';
  const offset = parseIntField(values.get('offset'));
  const length = parseIntField(values.get('length'));
  for (const [name, v] of [['offset', offset], ['length', length]] as const) {
    if (v === 'invalid') issues.push({ code: ONNX_CODES.externalBadNumber, location, text: `${name} ${quote(values.get(name)!)} is not a non-negative integer: loading fails` });
  }
  if (location === '') {
    issues.push({ code: ONNX_CODES.externalNoLocation, location, text: 'has no location: loading fails' });
  } else if (isAbsoluteLike(location)) {
    issues.push({ code: ONNX_CODES.externalAbsolute, location, text: `location ${quote(location)} is an absolute path: loading reads that file wherever it is on the machine (CVE-2022-25882)` });
  } else if (climbsOut(location)) {
    issues.push({ code: ONNX_CODES.externalEscape, location, text: `location ${quote(location)} climbs out of the model's folder: loading reads a file outside it (CVE-2022-25882, CVE-2024-27318)` });
  } else if (folder) {
    const found = await checkInFolder(folder, location, typeof offset === 'number' ? offset : undefined, typeof length === 'number' ? length : undefined);
    if (found) issues.push(found);
  }
  return issues;
}

/** Tensors named in one anomaly before "and N more". */
const NAMED_TENSORS = 5;

/**
 * Checks where each external tensor's bytes would be read from: lexically always; on disk (each
 * path component lstat'ed from the model's folder, never opened) when the model is a local file;
 * in the repo listing (`siblings`, sizes only, never read) when it is a remote one. Tensors
 * sharing a file and a problem give one anomaly.
 */
export async function checkExternalData(refs: readonly ExternalRef[], file: LocalFile | undefined, siblings?: SiblingFiles): Promise<{ externalData: OnnxExternalData[]; anomalies: Anomaly[] }> {
  const folder = siblingFolder({ file, siblings });
  const externalData: OnnxExternalData[] = [];
  const grouped = new Map<string, { issue: Issue; tensors: string[] }>();
  // A model names one data file for many tensors: check each distinct entry set once.
  const cache = new Map<string, Issue[]>();
  for (const ref of refs) {
    externalData.push(dataFromEntries(ref));
    const key = JSON.stringify(ref.entries.map((e) => [e.key, e.value]));
    let issues = cache.get(key);
    if (!issues) {
      issues = await issuesOf(ref, folder);
      cache.set(key, issues);
    }
    for (const issue of issues) {
      const g = `${issue.code}\u0000${issue.location}\u0000${issue.text}`;
      const entry = grouped.get(g) ?? { issue, tensors: [] };
      entry.tensors.push(ref.tensor);
      grouped.set(g, entry);
    }
  }
  const anomalies = [...grouped.values()].map(({ issue, tensors }) => {
    const named = tensors.slice(0, NAMED_TENSORS).map((t) => quote(t)).join(', ');
    const more = tensors.length > NAMED_TENSORS ? ` and ${tensors.length - NAMED_TENSORS} more` : '';
    const who = tensors.length === 1 ? `tensor ${named}` : `tensors ${named}${more}`;
    return anomaly(issue.code, `${who}: external data ${issue.text}`, undefined, { location: issue.location, tensors: tensors.slice(0, NAMED_TENSORS), tensorCount: tensors.length, ...(issue.detail ?? {}) });
  });
  return { externalData, anomalies };
}

function dataFromEntries(ref: ExternalRef): OnnxExternalData {
  const values = new Map(ref.entries.map((e) => [e.key, e.value] as const));
  const offset = parseIntField(values.get('offset'));
  const length = parseIntField(values.get('length'));
  return {
    tensor: ref.tensor,
    location: values.get('location') ?? '',
    ...(typeof offset === 'number' ? { offset } : {}),
    ...(typeof length === 'number' ? { length } : {}),
    ...(values.has('checksum') ? { checksum: values.get('checksum') } : {}),
    keys: ref.entries.map((e) => e.key),
  };
}
