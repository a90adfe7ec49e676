import type { AnalyseContext, FormatHandler } from '../../engine/format-handler.js';
import { sliceReader } from '../../sources/readers.js';
import type { Artifact, ByteReader } from '../../types.js';
import { isTarHeader, readTarEntries, type TarEntry } from './tar.js';
import type { TarArtifact } from './types.js';

const BLOCK = 512;

/** Members with data of their own: tarfile treats unknown type flags as regular files. */
const hasData = (e: TarEntry): boolean => e.type === 'file' || e.type === 'other';

const baseName = (name: string): string => name.slice(name.lastIndexOf('/') + 1);

/**
 * A tar that is not a legacy torch checkpoint (the engine asks torch's reader first). Headers
 * are read as CPython's tarfile reads them; every member with data is analysed by content from
 * a window on the archive (no copy), unknown ones included, so nothing is skipped silently. A
 * member another of the same name shadows (tarfile extracts the last) keeps `#index` in its path.
 */
async function analyseTar(reader: ByteReader, context: AnalyseContext): Promise<TarArtifact> {
  const { entries, anomalies } = await readTarEntries(reader, { maxEntries: context.options.maxArchiveMembers });
  const last = new Map<string, number>();
  for (const e of entries) last.set(e.name, e.index);
  const children: Artifact[] = [];
  for (const entry of entries) {
    if (!hasData(entry)) continue;
    const name = last.get(entry.name) === entry.index ? entry.name : `${entry.name}#${entry.index}`;
    const member = sliceReader(reader, entry.dataOffset, entry.size);
    children.push(await context.analyseChild(member, `${context.path}!${name}`, baseName(entry.name)));
  }
  return { path: context.path, format: 'tar', size: reader.size, anomalies, children, tar: { members: entries.length } };
}

export const tarHandler: FormatHandler = {
  format: 'tar',
  stage: 'magic',
  sniff: ({ head }) => head.length >= BLOCK && isTarHeader(head.subarray(0, BLOCK)),
  analyse: analyseTar,
};
