import type { AnalyseContext, FormatHandler, SniffInput, ZipFlavourHandler } from '../../engine/format-handler.js';
import { siblingFolder } from '../../sources/local-siblings.js';
import type { ByteReader } from '../../types.js';
import { AnomalyList } from './collector.js';
import { CODES } from './codes.js';
import { parseIndexDocument } from './index-file.js';
import { checkShards } from './index-shards.js';
import { MAX_HEADER_SIZE, parseSafetensors } from './parse.js';
import type { SafetensorsArtifact, SafetensorsIndexArtifact } from './types.js';

/** u64 header length, a `{` right after it, and a header that fits the file and the crate's cap. */
export function sniffSafetensors({ head, size }: Pick<SniffInput, 'head' | 'size'>): boolean {
  if (size < 10 || head.length < 10 || head[8] !== 0x7b) return false;
  const n = new DataView(head.buffer, head.byteOffset, 8).getBigUint64(0, true);
  return n >= 2n && n <= BigInt(MAX_HEADER_SIZE) && 8n + n <= BigInt(size);
}

const maxHeaderBytes = (context: AnalyseContext): number => Math.min(context.options.maxJsonBytes, MAX_HEADER_SIZE);

async function analyseSafetensors(reader: ByteReader, context: AnalyseContext): Promise<SafetensorsArtifact> {
  const { info, anomalies } = await parseSafetensors(reader, { maxHeaderBytes: maxHeaderBytes(context) });
  return { path: context.path, format: 'safetensors', size: reader.size, anomalies, children: [], safetensors: info };
}

async function analyseIndex(reader: ByteReader, context: AnalyseContext): Promise<SafetensorsIndexArtifact> {
  const out = new AnomalyList();
  const limit = context.options.maxJsonBytes;
  // The shards are looked for beside a local file, or in the repo listing of a remote one.
  const folder = siblingFolder(context);
  const info: SafetensorsIndexArtifact['safetensorsIndex'] = { shards: [], tensorCount: 0, shardCheck: folder ? 'checked' : 'not-local' };
  const artifact: SafetensorsIndexArtifact = { path: context.path, format: 'safetensors-index', size: reader.size, anomalies: [], children: [], safetensorsIndex: info };
  if (reader.size > limit) {
    out.add(CODES.indexOverLimit, `the ${reader.size}-byte index is larger than the ${limit}-byte limit for JSON documents, so it was not analysed`, 0, { size: reader.size, limit });
  } else {
    const bytes = await reader.read(0, reader.size);
    const index = parseIndexDocument(bytes, out);
    if (index) {
      info.shards = index.shards.slice(0, context.options.maxArchiveMembers);
      info.tensorCount = index.mappings.length;
      if (index.totalSize !== undefined) info.totalSize = index.totalSize;
      if (index.totalParameters !== undefined) info.totalParameters = index.totalParameters;
      await checkShards(index, folder, { maxHeaderBytes: maxHeaderBytes(context), maxShards: context.options.maxArchiveMembers }, out);
    }
  }
  artifact.anomalies = out.done();
  return artifact;
}

const isSafetensorsName = (name: string): boolean => name.toLowerCase().endsWith('.safetensors');
const isIndexName = (name: string): boolean => name.toLowerCase().endsWith('.safetensors.index.json');

/** This family's entries into the engine (see src/engine/handlers.ts for the order). */
export const HANDLERS: FormatHandler[] = [
  { format: 'safetensors', stage: 'magic', sniff: sniffSafetensors, analyse: analyseSafetensors },
  // A file named .safetensors that fails the sniff is still read as safetensors (its loader will try),
  // so the user hears why it is not valid rather than "unrecognised".
  { format: 'safetensors', stage: 'named', sniff: ({ name }) => isSafetensorsName(name), analyse: analyseSafetensors },
  { format: 'safetensors-index', stage: 'named', sniff: ({ name }) => isIndexName(name), analyse: analyseIndex },
];
export const ZIP_FLAVOURS: ZipFlavourHandler[] = [];
