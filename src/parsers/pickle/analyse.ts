import { bufferReader, sliceReader } from '../../sources/readers.js';
import type { ByteReader } from '../../types.js';
import { resolveBudgets } from './budgets.js';
import { EngineContext } from './context.js';
import type { InlineDataHook } from './inline.js';
import { resolveNestedBytes } from './nested-bytes.js';
import { Recorder } from './record.js';
import { resync } from './resync.js';
import { sniffPickle } from './sniff.js';
import { StreamRunner } from './stream.js';
import { runForks } from './forks.js';
import type { NestedPayload, PickleAnalysis, PickleBudgets, PickleStreamInfo } from './types.js';
import { ByteWindow, ReaderError } from './window.js';

export interface AnalysePickleOptions {
  /** Offset of the first opcode; all reported offsets stay relative to the reader. Default 0. */
  start?: number;
  budgets?: Partial<PickleBudgets>;
  /** After this many complete streams the rest is data (legacy torch storages), not junk. */
  stopAfterStreams?: number;
  /** Depth of this analysis among nested pickles (internal). */
  nestingDepth?: number;
  /** Lets a format parser (joblib) step over data its loader reads from inside the stream. */
  inlineData?: InlineDataHook;
}

/** Bytes of a nested payload looked at to decide whether a container loader would read it as a pickle. */
const NESTED_SNIFF_BYTES = 4096;

/**
 * Analyses every pickle stream in `reader` from `start`: the stack machine over each stream,
 * then junk handling and resynchronisation, then nested payloads. Never throws on hostile
 * input; only errors of the reader itself propagate.
 */
export async function analysePickle(reader: ByteReader, options: AnalysePickleOptions = {}): Promise<PickleAnalysis> {
  const ctx = new EngineContext(resolveBudgets(options.budgets), options.inlineData);
  return analyseWith(reader, ctx, Math.max(0, options.start ?? 0), options.nestingDepth ?? 0, options.stopAfterStreams);
}

async function analyseWith(reader: ByteReader, ctx: EngineContext, start: number, depth: number, stopAfter: number | undefined): Promise<PickleAnalysis> {
  const rec = new Recorder(ctx.budgets);
  const result: PickleAnalysis = { streams: [], imports: rec.imports, calls: rec.calls, unresolved: rec.unresolved, nested: [], protocol: 0, opcodeCount: 0, anomalies: rec.anomalies };
  try {
    await readStreams(reader, ctx, rec, start, stopAfter, result);
    result.nested = await analyseNested(reader, ctx, rec, depth);
  } catch (err) {
    if (err instanceof ReaderError) throw err.original;
    // A bug of ours must not turn a hostile file into a silent pass.
    rec.anomalies.push({ code: 'pickle/internal-error', message: `analysis failed: ${err instanceof Error ? err.message : String(err)}; the results are incomplete` });
  }
  return result;
}

function literalOf(v: import('./values.js').Value | undefined): PickleStreamInfo['literalResult'] {
  if (v?.k === 'int' && v.v !== null) return v.v;
  if (v?.k === 'str' && v.v !== null) return v.v.length <= 256 ? v.v : undefined;
  return undefined;
}

async function readStreams(
  reader: ByteReader,
  ctx: EngineContext,
  rec: Recorder,
  start: number,
  stopAfter: number | undefined,
  out: PickleAnalysis,
): Promise<void> {
  const size = reader.size;
  const budgets = ctx.budgets;
  const win = new ByteWindow(reader);
  let pos = start;
  let complete = 0;
  let resyncLeft = budgets.maxResyncBytes;
  let resynced = false;
  let rounds = 0;

  while (pos < size) {
    if (out.streams.length >= budgets.maxStreams || ++rounds > budgets.maxStreams * 2 + 4) {
      rec.addAnomaly('pickle/budget-exceeded', `more than ${budgets.maxStreams} pickle streams: the ${size - pos} bytes from offset ${pos} are not analysed`, pos, {
        budget: 'maxStreams',
        unanalysedBytes: size - pos,
      });
      break;
    }
    const mark = rec.mark();
    const runner = new StreamRunner(ctx, rec, win, pos);
    const ok = await runner.run();
    out.opcodeCount += runner.opcodes;
    const forksStopAll = await runForks(reader, ctx, rec, runner);
    const info: PickleStreamInfo = {
      start: pos,
      end: ok ? runner.pos : runner.failure!.offset,
      protocol: runner.vm.maxProto,
      opcodes: runner.opcodes,
      complete: ok,
    };
    if (resynced) info.resynced = true;
    resynced = false;

    if (forksStopAll && !runner.failure?.stopAll) {
      out.streams.push(info);
      break;
    }
    if (ok) {
      const literal = literalOf(runner.vm.result);
      if (literal !== undefined) info.literalResult = literal;
      out.streams.push(info);
      out.protocol = Math.max(out.protocol, info.protocol);
      complete++;
      pos = runner.pos;
      if (stopAfter !== undefined && complete >= stopAfter) break;
      continue;
    }

    const failure = runner.failure!;
    if (failure.stopAll) {
      out.streams.push(info);
      out.protocol = Math.max(out.protocol, info.protocol);
      rec.addAnomaly(failure.code, failure.message, failure.offset, failure.detail);
      break;
    }
    // Bytes after a STOP that name nothing are junk, not a stream: say so once and search them.
    const junk = out.streams.length > 0 && !rec.foundSince(mark);
    let resyncFrom: number;
    if (junk) {
      rec.rollback(mark);
      rec.addAnomaly('pickle/trailing-data', `${size - pos} bytes after STOP at offset ${pos} are not a pickle (${failure.message})`, pos, { length: size - pos });
      resyncFrom = pos;
    } else {
      out.streams.push(info);
      out.protocol = Math.max(out.protocol, info.protocol);
      rec.addAnomaly(failure.code, failure.message, failure.offset, failure.detail);
      resyncFrom = failure.offset;
    }

    if (resyncLeft <= 0) {
      rec.addAnomaly('pickle/budget-exceeded', `the ${size - resyncFrom} bytes from offset ${resyncFrom} were not searched: resync budget used up`, resyncFrom, {
        budget: 'maxResyncBytes',
        unanalysedBytes: size - resyncFrom,
      });
      break;
    }
    const r = await resync(reader, ctx, rec, resyncFrom, resyncLeft, pos);
    resyncLeft -= r.scanned;
    if (r.found.length > 0) {
      rec.addAnomaly('pickle/resync', `after the break at offset ${resyncFrom}, a pattern search of the following bytes found ${r.found.length} callable name(s): ${r.found.slice(0, 10).join(', ')}${r.found.length > 10 ? ', …' : ''}`, resyncFrom, {
        from: resyncFrom,
        to: resyncFrom + r.scanned,
        names: r.found.slice(0, 50),
        count: r.found.length,
      });
    }
    if (r.stopAll) {
      rec.addAnomaly(r.stopAll.code, r.stopAll.message, r.stopAll.offset, r.stopAll.detail);
      break;
    }
    if (r.adoptAt !== undefined) {
      rec.addAnomaly('pickle/resync', `analysis resumes at offset ${r.adoptAt}, where a complete pickle stream follows the break at offset ${resyncFrom}`, r.adoptAt, { from: resyncFrom, streamAt: r.adoptAt });
      pos = r.adoptAt;
      resynced = true;
      continue;
    }
    if (resyncFrom + r.scanned < size) {
      rec.addAnomaly('pickle/budget-exceeded', `the ${size - resyncFrom - r.scanned} bytes from offset ${resyncFrom + r.scanned} were not searched: resync budget used up`, resyncFrom + r.scanned, {
        budget: 'maxResyncBytes',
        unanalysedBytes: size - resyncFrom - r.scanned,
      });
    }
    break;
  }

  const completeStreams = out.streams.filter((s) => s.complete);
  if (stopAfter === undefined && completeStreams.length > 1) {
    rec.addAnomaly('pickle/multiple-streams', `the file holds ${completeStreams.length} pickle streams: a loader that calls load() again runs each of them`, completeStreams[1]!.start, {
      count: completeStreams.length,
      starts: completeStreams.slice(0, 16).map((s) => s.start),
    });
  }
}

async function analyseNested(reader: ByteReader, ctx: EngineContext, rec: Recorder, depth: number): Promise<NestedPayload[]> {
  const nested: NestedPayload[] = [];
  const seen = new Map<unknown, number>();
  for (const c of rec.candidates) {
    const src = resolveNestedBytes(c.arg);
    if (src.kind === 'computed') {
      nested.push({ via: c.via, offset: c.offset, literal: false });
      continue;
    }
    const length = src.kind === 'ref' ? src.len : src.bytes.length;
    const entry: NestedPayload = { via: c.via, offset: c.offset, literal: true, length };
    // The same literal handed over again (memo) is analysed once: a GET bomb cannot multiply work.
    const key = src.kind === 'ref' ? `${src.off}:${src.len}` : c.arg;
    const previous = seen.get(key);
    if (previous !== undefined) {
      entry.duplicateOf = previous;
      nested.push(entry);
      continue;
    }
    seen.set(key, nested.length);
    nested.push(entry);
    if (c.kind === 'marshal') continue; // a code object: nothing to analyse as a pickle
    if (depth + 1 > ctx.budgets.maxNesting) {
      rec.addAnomaly('pickle/budget-exceeded', `a pickle nested ${depth + 1} levels deep (via ${c.via}) is not analysed`, c.offset, { budget: 'maxNesting' });
      continue;
    }
    if (ctx.opcodes >= ctx.budgets.maxOpcodes) {
      rec.addAnomaly('pickle/budget-exceeded', `the nested payload handed to ${c.via} is not analysed: opcode budget used up`, c.offset, { budget: 'maxOpcodes' });
      continue;
    }
    const sub = src.kind === 'ref' ? sliceReader(reader, src.off, src.len) : bufferReader(src.bytes);
    if (c.kind === 'container') {
      let head: Uint8Array;
      try {
        head = await sub.read(0, NESTED_SNIFF_BYTES);
      } catch (err) {
        throw new ReaderError(err);
      }
      if (!sniffPickle(head).isPickle) {
        rec.addAnomaly('pickle/nested-unanalysed', `${length} literal bytes handed to ${c.via} are not a pickle (an archive or array file): they are not analysed here`, c.offset, { via: c.via, length });
        continue;
      }
    }
    entry.analysis = await analyseWith(sub, ctx, 0, depth + 1, undefined);
  }
  return nested;
}
