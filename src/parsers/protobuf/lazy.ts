import protobuf from 'protobufjs';
import type { ByteReader } from '../../types.js';
import { FieldWalker, NEED_READ, PROTOBUF_RECURSION_LIMIT, WireError, wireFields, WireType, type Window, type WireField, type WireProblemKind } from './wire.js';

type Type = protobuf.Type;
type Field = protobuf.Field;
/** A decoded message: protobufjs's message object, read by field name (the .proto's own spelling). */
export type Decoded = protobuf.Message & Record<string, unknown>;

export interface LazyLimits {
  /** A message whose bytes are at most this long is read in one piece and decoded by protobufjs. */
  inlineBytes: number;
  /**
   * A smaller inline limit for message types that are mostly payload (tensors): walked field by
   * field, their payload is stepped over by offset instead of read.
   */
  inlineBytesFor?: (type: Type) => number | undefined;
  /**
   * A bytes, string or packed-number field longer than this is not kept (tensor payloads):
   * its size is recorded instead, see `skippedOf`.
   */
  payloadBytes: number;
  /** Most bytes of structure decoded in all; past it decoding stops with a `budget` problem. */
  budgetBytes: number;
  /** A larger (or smaller) payload cap for particular fields, e.g. a JSON document read whole. */
  fieldCap?: (type: Type, field: Field) => number | undefined;
}

/** Where the bytes stopped being what a loader accepts, or where analysis stopped. */
export interface LazyProblem {
  kind: WireProblemKind;
  message: string;
  offset: number;
}

/** A payload field that was not kept. */
export interface Skipped {
  /** Offset of its bytes in the reader, when known. */
  offset?: number;
  /** Its size in bytes (bytes and string fields, packed fields walked lazily). */
  bytes?: number;
  /** Its element count (repeated fields decoded whole). */
  count?: number;
}

const SKIPPED = Symbol('skipped');

/** The payload fields a message did not keep, by field name. */
export function skippedOf(message: object): Readonly<Record<string, readonly Skipped[]>> {
  return (message as { [SKIPPED]?: Record<string, Skipped[]> })[SKIPPED] ?? {};
}

function markSkipped(message: object, name: string, skipped: Skipped): void {
  const holder = message as { [SKIPPED]?: Record<string, Skipped[]> };
  if (!holder[SKIPPED]) Object.defineProperty(holder, SKIPPED, { value: Object.create(null), enumerable: false });
  (holder[SKIPPED]![name] ??= []).push(skipped);
}

/** Defines an own property, so a key like `__proto__` from the data never reaches a prototype. */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

const own = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

/** Integers protobufjs returns as Long (int64 fields) or number, as a JS number (NaN when absent). */
export function toNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (v && typeof v === 'object' && 'toNumber' in v && typeof (v as { toNumber: unknown }).toNumber === 'function') return (v as { toNumber(): number }).toNumber();
  return NaN;
}

/** The target's own, writable array for a repeated field (protobufjs may share a frozen empty one). */
function ownArray(target: Decoded, name: string): unknown[] {
  const v = own(target, name) ? target[name] : undefined;
  if (Array.isArray(v) && !Object.isFrozen(v)) return v;
  const fresh: unknown[] = Array.isArray(v) ? [...v] : [];
  setOwn(target, name, fresh);
  return fresh;
}

const isMessageField = (f: Field): boolean => f.resolve().resolvedType instanceof protobuf.Type;

/** Merges a later occurrence into an earlier one the way protobuf does: repeated append, messages merge, scalars replace. */
function merge(type: Type, target: Decoded, part: Decoded): void {
  for (const f of type.fieldsArray) {
    if (!own(part, f.name)) continue;
    const v = part[f.name];
    if (f.map) {
      const into = own(target, f.name) && target[f.name] ? (target[f.name] as Record<string, unknown>) : Object.create(null);
      for (const k of Object.keys(v as object)) setOwn(into, k, (v as Record<string, unknown>)[k]);
      setOwn(target, f.name, into);
    } else if (f.repeated) {
      const into = ownArray(target, f.name);
      for (const e of v as unknown[]) into.push(e);
    } else if (isMessageField(f) && own(target, f.name) && target[f.name]) {
      merge(f.resolvedType as Type, target[f.name] as Decoded, v as Decoded);
    } else setOwn(target, f.name, v);
  }
  const skipped = skippedOf(part);
  for (const k of Object.keys(skipped)) for (const s of skipped[k]) markSkipped(target, k, s);
}

/**
 * protobufjs's generated decoders take (reader, length, end-group tag, depth) and refuse nesting
 * past its recursion limit (100, protoc's). Passing the depth at which a piece sits keeps that
 * count from the file's root, as the loaders' C++ parser counts it.
 */
type DepthDecode = (reader: Uint8Array, length: undefined, endGroup: undefined, depth: number) => Decoded;
const decodeAt = (type: Type, bytes: Uint8Array, depth: number): Decoded => (type.decode as unknown as DepthDecode).call(type, bytes, undefined, undefined, depth);

const DEPTH_ERROR = 'max depth exceeded';

class LazyDecoder {
  used = 0;
  stopped = false;
  readonly problems: LazyProblem[] = [];

  constructor(
    private readonly reader: ByteReader,
    private readonly limits: LazyLimits,
  ) {}

  private problem(kind: WireProblemKind, message: string, offset: number): void {
    this.problems.push({ kind, message, offset });
  }

  private failure(err: unknown, at: number): void {
    if (err instanceof WireError) this.problem(err.kind, err.message, err.offset);
    else this.problem('malformed', (err as Error).message, at);
  }

  private charge(bytes: number, offset: number): boolean {
    this.used += bytes;
    if (this.used <= this.limits.budgetBytes) return true;
    if (!this.stopped) this.problem('budget', `the message structure exceeds the ${this.limits.budgetBytes}-byte analysis budget; the rest was not decoded`, offset);
    this.stopped = true;
    return false;
  }

  private inlineLimit(type: Type): number {
    return this.limits.inlineBytesFor?.(type) ?? this.limits.inlineBytes;
  }

  private cap(type: Type, field: Field): number {
    return this.limits.fieldCap?.(type, field) ?? this.limits.payloadBytes;
  }

  /** Drops payload fields from a message protobufjs decoded whole, and copies kept bytes out of the read buffer. */
  private strip(type: Type, m: Decoded, depth: number): void {
    if (depth > PROTOBUF_RECURSION_LIMIT) return;
    for (const f of type.fieldsArray) {
      if (!own(m, f.name)) continue;
      const v = m[f.name];
      const sub = f.resolve().resolvedType;
      if (sub instanceof protobuf.Type) {
        if (f.map) for (const k of Object.keys(v as object)) this.strip(sub, (v as Record<string, Decoded>)[k], depth + 1);
        else if (f.repeated) for (const e of v as Decoded[]) this.strip(sub, e, depth + 1);
        else if (v) this.strip(sub, v as Decoded, depth + 1);
        continue;
      }
      const cap = this.cap(type, f);
      if (f.repeated && Array.isArray(v)) {
        if (f.type === 'bytes' || f.type === 'string') {
          const kept: unknown[] = [];
          for (const e of v) {
            const size = (e as { length: number }).length;
            if (size > cap) markSkipped(m, f.name, { bytes: size });
            else kept.push(e instanceof Uint8Array ? e.slice() : e);
          }
          setOwn(m, f.name, kept);
        } else if (v.length * 4 > cap) {
          markSkipped(m, f.name, { count: v.length });
          setOwn(m, f.name, []);
        }
      } else if (v instanceof Uint8Array || typeof v === 'string') {
        if (v.length > cap) {
          markSkipped(m, f.name, { bytes: v.length });
          delete m[f.name];
        } else if (v instanceof Uint8Array) setOwn(m, f.name, v.slice());
      }
    }
  }

  /** `preloaded`: the message's bytes when the caller's window already holds them; `seed`: that window, for a walk. */
  async decode(type: Type, start: number, end: number, depth: number, preloaded?: Uint8Array, seed?: Window): Promise<Decoded> {
    const target = type.create() as Decoded;
    if (this.stopped) return target;
    if (depth > PROTOBUF_RECURSION_LIMIT) {
      this.problem('depth', `messages nest deeper than protobuf's limit of ${PROTOBUF_RECURSION_LIMIT} levels, which the loader refuses`, start);
      return target;
    }
    let inlineError: string | undefined;
    if (end - start <= this.inlineLimit(type)) {
      const bytes = preloaded ?? (await this.reader.read(start, end - start));
      if (bytes.length === end - start) {
        try {
          const m = decodeAt(type, bytes, depth);
          if (!this.charge(end - start, start)) return target;
          this.strip(type, m, depth);
          return m;
        } catch (err) {
          // Walk the same bytes field by field: it finds where they break and keeps what came before.
          inlineError = (err as Error).message;
        }
      }
    }
    const before = this.problems.length;
    // Consecutive fields protobufjs can take whole are decoded together: a message's fields decoded
    // in one piece merge exactly as they do one by one, and one call per run keeps big graphs fast.
    const run: Array<{ offset: number; start: number; end: number; isLen: boolean; field: Field | undefined }> = [];
    let last: WireField | undefined;
    const flush = async (): Promise<boolean> => {
      if (run.length === 0) return true;
      const fields = run.splice(0);
      const from = fields[0].offset;
      const to = fields[fields.length - 1].end;
      if (!this.charge(to - from, from)) return false;
      const bytes = await last!.slice(from, to);
      try {
        const part = decodeAt(type, bytes, depth);
        this.strip(type, part, depth);
        merge(type, target, part);
        return true;
      } catch {
        // Find the field that breaks, keeping the ones before it.
      }
      for (const f of fields) {
        const sub = f.field?.resolvedType;
        if (f.field && sub instanceof protobuf.Type && !f.field.map && f.isLen) {
          const child = await this.decode(sub, f.start, f.end, depth + 1, bytes.subarray(f.start - from, f.end - from));
          attach(f.field, sub, child);
          continue;
        }
        try {
          const part = decodeAt(type, bytes.subarray(f.offset - from, f.end - from), depth);
          this.strip(type, part, depth);
          merge(type, target, part);
        } catch (err) {
          const message = (err as Error).message;
          if (message === DEPTH_ERROR) throw new WireError('depth', `messages nest deeper than protobuf's limit of ${PROTOBUF_RECURSION_LIMIT} levels, which the loader refuses`, f.offset);
          throw new WireError('malformed', `field ${f.field?.name ?? '?'}: ${message}`, f.offset);
        }
      }
      return true;
    };
    const attach = (field: Field, sub: Type, child: Decoded): void => {
      if (field.repeated) ownArray(target, field.name).push(child);
      else if (own(target, field.name) && target[field.name]) merge(sub, target[field.name] as Decoded, child);
      else setOwn(target, field.name, child);
    };
    try {
      const walker = new FieldWalker(this.reader, start, end, depth, seed);
      for (;;) {
        const sync = walker.nextSync();
        const wf = sync === NEED_READ ? await walker.next() : sync;
        if (wf === undefined || this.stopped) break;
        last = wf;
        const field = type.fieldsById[wf.field] as Field | undefined;
        const sub = field?.resolve().resolvedType;
        const len = wf.end - wf.start;
        const isLen = wf.wireType === WireType.LEN;
        // What protobufjs may decode in a run: anything but a big sub-message, map entry or payload.
        let inRun: boolean;
        if (!field) inRun = !isLen || len <= this.limits.payloadBytes;
        else if (field.map) inRun = !isLen || len <= this.limits.inlineBytes;
        else if (sub instanceof protobuf.Type) inRun = !isLen || len <= this.inlineLimit(sub);
        else inRun = !isLen || len <= this.cap(type, field);
        if (inRun) {
          if (run.length > 0 && wf.end - run[0].offset > this.limits.inlineBytes && !(await flush())) break;
          run.push({ offset: wf.offset, start: wf.start, end: wf.end, isLen, field });
          continue;
        }
        if (!(await flush())) break;
        // Unknown fields are skipped by the loaders too: a big one is stepped over unread.
        if (!field) continue;
        if (field.map) await this.mapEntry(type, field, target, wf.start, wf.end, depth + 1);
        else if (sub instanceof protobuf.Type) attach(field, sub, await this.decode(sub, wf.start, wf.end, depth + 1, undefined, wf.held()));
        else markSkipped(target, field.name, { offset: wf.start, bytes: len });
      }
      if (!this.stopped) await flush();
    } catch (err) {
      // The complete fields before the break still count, as far as they decode.
      if (run.length > 0 && !this.stopped) await flush().catch((e: unknown) => this.failure(e, start));
      this.failure(err, start);
    }
    if (inlineError !== undefined && this.problems.length === before && !this.stopped) {
      if (inlineError === DEPTH_ERROR) this.problem('depth', `messages nest deeper than protobuf's limit of ${PROTOBUF_RECURSION_LIMIT} levels, which the loader refuses`, start);
      else this.problem('malformed', inlineError, start);
    }
    return target;
  }

  /** A map entry too big to decode whole (an AttrValue holding a large tensor): key read, value walked. */
  private async mapEntry(type: Type, field: Field, target: Decoded, start: number, end: number, depth: number): Promise<void> {
    let key = '';
    let value: unknown;
    const sub = field.resolvedType;
    for await (const wf of wireFields(this.reader, start, end, depth)) {
      if (wf.field === 1 && wf.wireType === WireType.LEN && wf.end - wf.start <= this.limits.payloadBytes) {
        key = new TextDecoder().decode(await this.reader.read(wf.start, wf.end - wf.start));
      } else if (wf.field === 2 && wf.wireType === WireType.LEN && sub instanceof protobuf.Type) {
        value = await this.decode(sub, wf.start, wf.end, depth + 1);
      } else if (wf.field === 2) markSkipped(target, field.name, { offset: wf.start, bytes: wf.end - wf.start });
    }
    const into = own(target, field.name) && target[field.name] ? (target[field.name] as Record<string, unknown>) : Object.create(null);
    if (value !== undefined) setOwn(into, key, value);
    setOwn(target, field.name, into);
  }
}

export interface LazyResult {
  message: Decoded;
  problems: LazyProblem[];
}

/**
 * Decodes the message in [start, end) of the reader without holding its payloads: pieces up to
 * `inlineBytes` go through protobufjs whole, bigger ones are walked field by field over ranged
 * reads, and payload fields above their cap are recorded (`skippedOf`) instead of read. Memory
 * stays in proportion to the structure, never to the tensors. Problems (truncation, invalid
 * wire data, nesting past protobuf's limit, the budget) are returned with their offsets, and
 * what was decoded before them is kept.
 */
export async function decodeLazy(type: Type, reader: ByteReader, limits: LazyLimits, start = 0, end = reader.size): Promise<LazyResult> {
  const decoder = new LazyDecoder(reader, limits);
  const message = await decoder.decode(type, start, end, 0);
  return { message, problems: decoder.problems };
}
