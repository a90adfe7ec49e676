/**
 * An index against the shards beside it: each shard must exist, hold every tensor mapped to it,
 * and nothing else the loader would also pick up. Only each shard's header is read (8 bytes and
 * the header, through a reader that is closed again), whether the shards are on a local disk or
 * in a remote repo's listing; shard paths that leave the folder are never asked for.
 */
import { AnomalyList, quote } from './collector.js';
import { ADVICE_CODES, CODES } from './codes.js';
import type { IndexMapping, ParsedIndex } from './index-file.js';
import { parseSafetensors, type SafetensorsParse } from './parse.js';
import { classifyShardPath } from './shard-path.js';
import type { SiblingFolder, SiblingLookup } from '../../sources/local-siblings.js';

/** Names shown in one message before "and N more". */
const SHOWN = 5;

export interface ShardLimits {
  maxHeaderBytes: number;
  /** Most distinct shards looked at (the engine's member cap). */
  maxShards: number;
}

const tensors = (n: number): string => `${n} tensor${n === 1 ? '' : 's'}`;

function list(names: string[]): string {
  const shown = names.slice(0, SHOWN).map((n) => quote(n, 60)).join(', ');
  return names.length > SHOWN ? `${shown} and ${names.length - SHOWN} more` : shown;
}

type ShardRead = { ok: true; parse: SafetensorsParse } | { ok: false; reason: string };

/**
 * Shard headers read at once: a remote shard costs a round trip or two, a local one a file handle.
 * Results are still taken in index order, so anomalies come out as from one read after another.
 */
const READS_IN_FLIGHT = 4;

const errorText = (err: unknown): string => (err as NodeJS.ErrnoException).code ?? (err instanceof Error ? err.message : String(err));

/** Why a shard cannot be loaded, after "which". */
function whyNot(found: Exclude<SiblingLookup, { kind: 'file' }>, folder: SiblingFolder): string {
  if (found.kind === 'absent') return folder.kind === 'disk' ? 'is not in the folder' : 'is not in the repo';
  if (found.kind === 'error') return `cannot be read (${found.reason})`;
  return 'is not a regular file';
}

async function readShardHeader(folder: SiblingFolder, shard: string, limits: ShardLimits): Promise<ShardRead> {
  try {
    // A FIFO or a folder under a shard's name would block or fail the read: only regular files are opened.
    const found = await folder.find(shard);
    if (found.kind !== 'file') return { ok: false, reason: whyNot(found, folder) };
    const reader = await folder.open(shard);
    if (!reader) return { ok: false, reason: whyNot({ kind: 'absent' }, folder) };
    try {
      return { ok: true, parse: await parseSafetensors(reader, { maxHeaderBytes: limits.maxHeaderBytes }) };
    } finally {
      await reader.close();
    }
  } catch (err) {
    return { ok: false, reason: `cannot be read (${errorText(err)})` };
  }
}

/** Each shard's header read, up to READS_IN_FLIGHT ahead of the one being looked at. */
async function* shardHeaders(folder: SiblingFolder, shards: readonly string[], limits: ShardLimits): AsyncGenerator<[string, ShardRead]> {
  const pending: Array<Promise<ShardRead>> = [];
  let next = 0;
  for (const shard of shards) {
    while (next < shards.length && pending.length < READS_IN_FLIGHT) pending.push(readShardHeader(folder, shards[next++]!, limits));
    yield [shard, await pending.shift()!];
  }
}

/** Shard names are checked wherever the index is; the shards themselves when there is a folder (local or a repo listing) to look in. */
export async function checkShards(index: ParsedIndex, folder: SiblingFolder | undefined, limits: ShardLimits, out: AnomalyList): Promise<void> {
  const byShard = new Map<string, IndexMapping[]>();
  for (const m of index.mappings) {
    const group = byShard.get(m.shard);
    if (group) group.push(m);
    else byShard.set(m.shard, [m]);
  }
  const shards = [...byShard.keys()];

  // Names cost nothing to check, so every one is; only the files opened are capped.
  let inside: string[] = [];
  for (const shard of shards) {
    const mapped = byShard.get(shard)!;
    const verdict = classifyShardPath(shard);
    if (verdict.kind === 'escape') {
      out.add(CODES.shardPathEscape, `the index maps ${tensors(mapped.length)} to ${quote(shard)}, which ${verdict.reason}: the shard path escapes the model folder, so loading reads a file the index chose`, mapped[0]!.at, { shard, tensors: mapped.length });
    } else if (verdict.kind === 'unusual') {
      out.add(CODES.shardPathUnusual, `the index maps ${tensors(mapped.length)} to shard ${quote(shard)}, which ${verdict.reason}, so what loading opens depends on the system`, mapped[0]!.at, { shard });
    } else inside.push(shard);
  }
  if (folder === undefined) return;
  let allRead = inside.length === shards.length;
  if (inside.length > limits.maxShards) {
    out.add(CODES.shardLimit, `the index names ${inside.length} shard files, more than the ${limits.maxShards} looked at; the rest were not checked`, undefined, { shards: inside.length, limit: limits.maxShards });
    inside = inside.slice(0, limits.maxShards);
    allRead = false;
  }

  const mappedTo = new Map(index.mappings.map((m) => [m.tensor, m.shard]));
  let dataTotal = 0;
  for await (const [shard, read] of shardHeaders(folder, inside, limits)) {
    const mapped = byShard.get(shard)!;
    if (!read.ok) {
      allRead = false;
      out.add(CODES.shardMissing, `the index maps ${tensors(mapped.length)} to shard ${quote(shard)}, which ${read.reason}, so loading the model fails`, mapped[0]!.at, { shard, tensors: mapped.length });
      continue;
    }
    const { parse } = read;
    const problem = parse.anomalies.find((a) => !ADVICE_CODES.has(a.code));
    if (problem) {
      allRead = false;
      out.add(CODES.shardInvalid, `shard ${quote(shard)} is not a valid safetensors file (${problem.message})`, mapped[0]!.at, { shard, code: problem.code });
      if (!parse.headerRead) continue;
    }
    dataTotal += parse.info.dataLength;
    const present = new Set(parse.tensorNames);
    const absent = mapped.filter((m) => !present.has(m.tensor)).map((m) => m.tensor);
    if (absent.length > 0) {
      out.add(CODES.tensorNotInShard, `the index maps ${tensors(absent.length)} to shard ${quote(shard)} that it does not hold (${list(absent)}), so loading fails or leaves those weights unset`, mapped[0]!.at, { shard, tensors: absent.slice(0, 50), count: absent.length });
    }
    const elsewhere: string[] = [];
    const unmapped: string[] = [];
    for (const name of parse.tensorNames) {
      const target = mappedTo.get(name);
      if (target === undefined) unmapped.push(name);
      else if (target !== shard) elsewhere.push(name);
    }
    if (elsewhere.length > 0) {
      out.add(CODES.tensorInTwoShards, `shard ${quote(shard)} also holds ${tensors(elsewhere.length)} the index maps to other shards (${list(elsewhere)}); which copy is loaded depends on the order the loader reads shards in`, mapped[0]!.at, { shard, tensors: elsewhere.slice(0, 50), count: elsewhere.length });
    }
    if (unmapped.length > 0) {
      out.add(CODES.unmappedTensor, `shard ${quote(shard)} holds ${tensors(unmapped.length)} the index does not list (${list(unmapped)}); loaders that read whole shards load them anyway`, mapped[0]!.at, { shard, tensors: unmapped.slice(0, 50), count: unmapped.length });
    }
  }
  if (allRead && index.totalSize !== undefined && index.totalSize !== dataTotal) {
    out.add(CODES.totalSizeMismatch, `the index's total_size is ${index.totalSize} bytes but its shards hold ${dataTotal} bytes of tensor data, so the index does not describe these shards`, undefined, { totalSize: index.totalSize, shardData: dataTotal });
  }
}
