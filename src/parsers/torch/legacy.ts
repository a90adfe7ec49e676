import type { Anomaly, ByteReader } from '../../types.js';
import { analysePickle } from '../pickle/index.js';
import type { PickleBudgets } from '../pickle/types.js';
import type { TorchLegacyArtifact } from './types.js';

/** torch/serialization.py MAGIC_NUMBER and PROTOCOL_VERSION. */
const MAGIC_NUMBER = 0x1950a86a20f9469cfc6cn;
const PROTOCOL_VERSION = 1001;
/** magic, protocol version, sys_info, the object, the storage keys. */
const LEGACY_STREAMS = 5;

/** A probe reads one small pickle: the magic (or whatever replaced it) is a handful of opcodes. */
const PROBE_BUDGETS: Partial<PickleBudgets> = { maxOpcodes: 4096, maxResyncBytes: 0, maxStreams: 1, maxNesting: 0 };

async function probeLiteral(reader: ByteReader, start: number): Promise<{ complete: boolean; end: number; literal?: string | number | bigint }> {
  const probe = await analysePickle(reader, { start, stopAfterStreams: 1, budgets: PROBE_BUDGETS });
  const first = probe.streams[0];
  if (!first?.complete) return { complete: false, end: start };
  return { complete: true, end: first.end, ...(first.literalResult !== undefined ? { literal: first.literalResult } : {}) };
}

const isMagic = (v: unknown): boolean => typeof v === 'bigint' && v === MAGIC_NUMBER;

/**
 * A `torch.save(..., _use_new_zipfile_serialization=False)` file: five stacked pickles, then
 * raw storage bytes. torch.load unpickles the first pickle before it checks the magic number
 * (bypass A10), so when the magic is wrong every stream is still analysed; when it is right,
 * analysis stops after the fifth pickle, where storage data starts. Returns null for files
 * that are not legacy torch (the caller treats them as plain pickles).
 */
export async function parseTorchLegacy(reader: ByteReader, path: string): Promise<TorchLegacyArtifact | null> {
  const first = await probeLiteral(reader, 0);
  if (!first.complete) return null;
  const magicOk = isMagic(first.literal);
  if (!magicOk) {
    // Without the magic, it is legacy torch only if the protocol-version pickle follows.
    if (first.end >= reader.size) return null;
    const second = await probeLiteral(reader, first.end);
    if (!(second.complete && second.literal === PROTOCOL_VERSION)) return null;
  }

  const pickle = await analysePickle(reader, magicOk ? { stopAfterStreams: LEGACY_STREAMS } : {});
  const complete = pickle.streams.filter((s) => s.complete);
  const version = complete[1]?.literalResult;
  const protocolVersion = typeof version === 'number' ? version : undefined;
  const anomalies: Anomaly[] = [];
  if (magicOk && protocolVersion !== PROTOCOL_VERSION) {
    anomalies.push({
      code: 'torch/legacy-protocol-version',
      message: `the protocol-version pickle holds ${version === undefined ? 'no literal int' : String(version)}, not ${PROTOCOL_VERSION}: torch.load raises after running it`,
      ...(complete[1] ? { offset: complete[1].start } : {}),
    });
  }
  const dataOffset = magicOk && complete.length >= LEGACY_STREAMS && pickle.streams.length === complete.length ? complete[LEGACY_STREAMS - 1]!.end : undefined;

  return {
    path,
    format: 'pytorch-legacy',
    size: reader.size,
    anomalies,
    children: [],
    pickle,
    legacy: {
      magicOk,
      ...(protocolVersion !== undefined ? { protocolVersion } : {}),
      ...(dataOffset !== undefined ? { dataOffset } : {}),
    },
  };
}
