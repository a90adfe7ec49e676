/**
 * Walks a Keras model config (config.json of a `.keras`, `model_config` of a legacy `.h5`, a
 * tf.keras layer's metadata JSON) the way `keras.saving.deserialize_keras_object` would, without
 * importing or calling anything, and records every object that loading would turn into code:
 * Lambda bytecode, functions and classes from outside Keras, and the known CVE gadgets.
 */
import type { Anomaly } from '../../types.js';
import { anomaly } from '../anomaly.js';
import { classifyGlobal } from '../../policy/index.js';
import { KERAS_CODES } from './codes.js';
import { readLambdaCode, type LambdaCode } from './lambda-code.js';
import {
  FILE_PATH_KEYS,
  isKerasModule,
  KERAS_PACKAGES,
  KNOWN_CLASSES,
  NON_MODELING_NAMES,
  packageOf,
  PYTHON_BUILTINS,
  RISKY_TF_API_PREFIXES,
  RISKY_TF_OPS,
  SPECIAL_CLASSES,
} from './namespaces.js';
import type { KerasConfigInspection, KerasEmbeddedPayload, KerasObjectRef } from './types.js';

/** Which loader reads the config: the lambda finding says how safe_mode applies to it. */
export type KerasContainer = 'keras' | 'h5' | 'savedmodel' | 'json';

export interface KerasInspectOptions {
  /** Where the config came from (`config.json`, `model_config`); prefixes every location. */
  at?: string;
  container?: KerasContainer;
  /** Deepest nesting walked. Python's json module stops near 1000 levels, so deeper configs do not load. */
  maxDepth?: number;
  /** Most arrays and objects visited. */
  maxNodes?: number;
  /** Most objects listed in the result (all are still checked). */
  maxObjects?: number;
  /** Longest Lambda code string decoded to list its names. */
  maxLambdaChars?: number;
}

export const DEFAULT_INSPECT_LIMITS = { maxDepth: 1000, maxNodes: 5_000_000, maxObjects: 10_000, maxLambdaChars: 16 * 1024 * 1024 } as const;
/** Anomalies of one code reported one by one; past this they are counted in one more anomaly. */
const MAX_PER_CODE = 100;
const MAX_EMBEDDED = 16;
const MAX_SHOWN = 160;

type Json = Record<string, unknown>;
const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
/** Own properties only: a hostile config's `constructor` or `__proto__` key never reaches Object.prototype. */
const own = (o: Json, key: string): unknown => (Object.hasOwn(o, key) ? o[key] : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const shown = (s: string): string => JSON.stringify(s.length > MAX_SHOWN ? `${s.slice(0, MAX_SHOWN)}…` : s);
/** A config-supplied identifier for a message: as written when it is a plain dotted name, else quoted and escaped. */
const ident = (s: string): string => (/^[A-Za-z0-9_.<>-]{1,128}$/.test(s) ? s : shown(s));
const keyPart = (k: string): string => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(k) && k.length <= 64 ? k : `[${shown(k)}]`);

interface Frame {
  value: Json | unknown[];
  path: string;
  depth: number;
  /** The nearest enclosing object with a name (a layer), for messages. */
  owner?: Owner;
}

interface Owner {
  name: string;
  className: string;
}

interface CustomHit {
  first: string;
  count: number;
  message: string;
  detail: Record<string, unknown>;
}

const LAMBDA_NOTES: Record<KerasContainer, string> = {
  keras: 'keras.models.load_model refuses it only while safe_mode is on (keras >= 3; tf.keras >= 2.13.1, CVE-2024-3660), and safe_mode=False or enable_unsafe_deserialization() runs it',
  h5: 'safe_mode does not protect .h5 files in keras < 3.11.3 (CVE-2025-9905) and tf.keras has no safe_mode, so load_model runs it',
  savedmodel: 'tf.keras rebuilds it from the SavedModel metadata without any safe_mode check',
  json: 'loading runs it unless safe_mode refuses it',
};

class Inspection {
  readonly objects: KerasObjectRef[] = [];
  readonly anomalies: Anomaly[] = [];
  readonly embedded: KerasEmbeddedPayload[] = [];
  objectsTruncated = false;
  private readonly counts = new Map<string, number>();
  private unsafeStringSeen = false;
  private readonly custom = new Map<string, CustomHit>();
  private readonly opts: Required<Omit<KerasInspectOptions, 'at'>> & { at?: string };

  constructor(options: KerasInspectOptions) {
    this.opts = { container: 'json', ...DEFAULT_INSPECT_LIMITS, ...options };
  }

  /** Display location: the caller's prefix, then the path inside the document. */
  where(path: string): string {
    const inside = path === '' ? '(root)' : path;
    return this.opts.at ? `${this.opts.at} ${inside}` : inside;
  }

  walk(root: unknown): void {
    if (!isRecord(root) && !Array.isArray(root)) {
      this.anomalies.push(anomaly(KERAS_CODES.badConfig, `the Keras config at ${this.where('')} is not a JSON object, so loading cannot rebuild a model from it`, undefined, { type: root === null ? 'null' : typeof root }));
      return;
    }
    const stack: Frame[] = [{ value: root, path: '', depth: 0 }];
    let nodes = 0;
    while (stack.length > 0) {
      const frame = stack.pop()!;
      if (++nodes > this.opts.maxNodes) {
        this.limit(`more than ${this.opts.maxNodes} arrays and objects`, { maxNodes: this.opts.maxNodes });
        break;
      }
      if (frame.depth > this.opts.maxDepth) {
        this.limit(`nesting deeper than ${this.opts.maxDepth} levels at ${this.where(frame.path)}`, { maxDepth: this.opts.maxDepth });
        break;
      }
      const children: Frame[] = [];
      if (Array.isArray(frame.value)) {
        frame.value.forEach((item, i) => this.visitValue(item, `${frame.path}[${i}]`, frame, children));
      } else {
        const owner = this.inspectObject(frame.value, frame.path, frame.owner);
        const parent = owner === frame.owner ? frame : { ...frame, owner };
        for (const key of Object.keys(frame.value)) {
          this.visitValue(frame.value[key], frame.path === '' ? keyPart(key) : `${frame.path}.${keyPart(key)}`, parent, children, key);
        }
      }
      // Reversed so the stack pops them in document order.
      for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
    }
  }

  private visitValue(value: unknown, path: string, parent: Frame, children: Frame[], key?: string): void {
    if (typeof value === 'string') this.inspectString(value, path, key);
    else if (typeof value === 'object' && value !== null) children.push({ value: value as Json | unknown[], path, depth: parent.depth + 1, ...(parent.owner ? { owner: parent.owner } : {}) });
  }

  private limit(what: string, detail: Record<string, unknown>): void {
    this.anomalies.push(anomaly(KERAS_CODES.configLimit, `not fully analysed: the Keras config at ${this.where('')} has ${what}; the rest was not inspected`, undefined, detail));
  }

  /** Checks one JSON object; returns the named object its children belong to. */
  private inspectObject(o: Json, path: string, owner: Owner | undefined): Owner | undefined {
    // Keras 2's Lambda config: `function_type: "lambda"` means `function` is marshalled bytecode.
    const layer = str(own(o, 'name')) ?? owner?.name;
    if (own(o, 'function_type') === 'lambda') this.lambda(() => readLambdaCode(own(o, 'function'), this.opts.maxLambdaChars), `${path}.function`, layer, 'Lambda layer');
    if (own(o, 'output_shape_type') === 'lambda') this.lambda(() => readLambdaCode(own(o, 'output_shape'), this.opts.maxLambdaChars), `${path}.output_shape`, layer, 'Lambda layer');

    const className = str(own(o, 'class_name'));
    if (className === undefined) return owner;
    const inner = own(o, 'config');
    const name = isRecord(inner) ? str(own(inner, 'name')) : undefined;
    const module = str(own(o, 'module'));
    const registeredName = str(own(o, 'registered_name'));
    this.record({ at: path, className, ...(module !== undefined ? { module } : {}), ...(registeredName !== undefined ? { registeredName } : {}), ...(name !== undefined ? { name } : {}) });

    if (className === '__lambda__') {
      const what = owner ? `${owner.className === 'Lambda' ? 'Lambda' : `the ${ident(owner.className)}`} layer` : 'a serialized Python lambda';
      this.lambda(() => readLambdaCode(o, this.opts.maxLambdaChars), path, owner?.name, what);
    } else if (className === 'function') {
      this.inspectFunction(o, path, str(inner), module, registeredName);
    } else if (className === '__typespec__') {
      const spec = str(own(o, 'spec_name'));
      if (spec !== undefined) this.inspectClass(o, path, spec, module, registeredName);
    } else if (!SPECIAL_CLASSES.has(className) && !LEGACY_MARKERS.has(className)) {
      // keras 3 reading a legacy .h5 turns a Lambda's list `function` into bytecode whatever its
      // function_type says (legacy/saving/saving_utils.py); the function_type case is found above.
      if (className === 'Lambda' && isRecord(inner) && Array.isArray(own(inner, 'function')) && own(inner, 'function_type') !== 'lambda') {
        this.lambda(() => readLambdaCode(own(inner, 'function'), this.opts.maxLambdaChars), `${path}.config.function`, name, 'Lambda layer');
      }
      this.inspectClass(o, path, className, module, registeredName);
      if (isRecord(inner)) this.inspectLayerConfig(className, inner, path, name);
    }
    return name !== undefined ? { name, className } : owner;
  }

  /** Adds an anomaly, at most MAX_PER_CODE per code; `finish` says how many more there were. */
  private report(code: string, build: () => Anomaly): void {
    const n = (this.counts.get(code) ?? 0) + 1;
    this.counts.set(code, n);
    if (n <= MAX_PER_CODE) this.anomalies.push(build());
  }

  private record(ref: KerasObjectRef): void {
    if (this.objects.length < this.opts.maxObjects) this.objects.push(ref);
    else this.objectsTruncated = true;
  }

  private lambda(decode: () => LambdaCode, path: string, layer: string | undefined, what: string): void {
    this.report(KERAS_CODES.lambda, () => this.lambdaAnomaly(decode(), path, layer, what));
  }

  private lambdaAnomaly(code: LambdaCode, path: string, layer: string | undefined, what: string): Anomaly {
    const named = layer !== undefined ? `${what} ${shown(layer)}` : what.replace(/^the /, 'a ');
    const uses = code.names && code.names.length > 0 ? ` (its code uses ${code.names.slice(0, 12).map(ident).join(', ')}${code.names.length > 12 ? ', …' : ''})` : '';
    const message = `loading runs Python bytecode from the file: ${named} at ${this.where(path)} is a marshalled function${uses}; ${LAMBDA_NOTES[this.opts.container]}`;
    return anomaly(KERAS_CODES.lambda, message, undefined, {
      at: this.where(path),
      ...(layer !== undefined ? { layer } : {}),
      form: code.form,
      ...(code.codeBytes !== undefined ? { codeBytes: code.codeBytes } : {}),
      ...(code.names ? { names: code.names } : {}),
      ...(code.strings && code.strings.length > 0 ? { strings: code.strings.slice(0, 50) } : {}),
      ...(code.undecoded ? { undecoded: code.undecoded } : {}),
      cve: this.opts.container === 'h5' ? ['CVE-2024-3660', 'CVE-2025-9905'] : ['CVE-2024-3660'],
    });
  }

  private inspectFunction(o: Json, path: string, fn: string | undefined, module: string | undefined, registeredName: string | undefined): void {
    if (fn === undefined) return;
    const where = this.where(path);
    if (module !== undefined && isKerasModule(module)) {
      const short = fn.slice(fn.lastIndexOf('.') + 1);
      const api = NON_MODELING_NAMES.get(short);
      if (api) this.nonModeling(ident(`${module}.${fn}`), short, api, o, path);
      return;
    }
    if (module === undefined || module === 'builtins') {
      if (fn.includes('>')) {
        this.customObject(`function ${fn}`, `loading needs custom code: the function ${shown(fn)} at ${where} is a registered custom object that the file does not carry, so load_model runs whatever the environment registers under that name`, path, { function: fn, ...(module ? { module } : {}) });
        return;
      }
      if (module === 'builtins' && PYTHON_BUILTINS.has(fn)) this.foreign('builtins', fn, o, path, 'function');
      else if (NON_MODELING_NAMES.has(fn)) this.nonModeling(fn, fn, NON_MODELING_NAMES.get(fn)!, o, path);
      // Other names are Keras's own activations, losses and metrics ("relu", "mse").
      return;
    }
    void registeredName;
    this.foreign(module, fn, o, path, 'function');
  }

  private inspectClass(o: Json, path: string, className: string, module: string | undefined, registeredName: string | undefined): void {
    const where = this.where(path);
    // A registered name is looked up before anything else: whatever the environment registered wins.
    if (registeredName !== undefined && registeredName !== className && !isKerasRegistered(registeredName)) {
      this.customObject(`registered ${registeredName}`, `loading needs custom code: ${shown(className)} at ${where} is registered as ${shown(registeredName)}, which is not a Keras built-in, so load_model runs whatever class the environment registers under that name`, path, { className, registeredName, ...(module ? { module } : {}) });
      return;
    }
    if (module !== undefined && module !== '') {
      if (isKerasModule(module)) return;
      const denied = deniedReason(module, className);
      if (denied) {
        this.foreign(module, className, o, path, 'class');
        return;
      }
      this.customObject(`module ${module}.${className}`, `loading imports ${ident(`${module}.${className}`)}, a class outside Keras: it needs that package's code installed, and keras < 3.9 imports any module a config names even with safe_mode=True (CVE-2025-1550)`, path, { module, className });
      return;
    }
    if (registeredName === undefined && !KNOWN_CLASSES.has(className) && !className.startsWith('__')) {
      this.customObject(`class ${className}`, `loading needs custom code: ${shown(className)} at ${where} is not a Keras class, so load_model only rebuilds it from custom objects the environment supplies`, path, { className });
    }
  }

  /** Layer-specific gadgets, whatever module the layer claims. */
  private inspectLayerConfig(className: string, inner: Json, path: string, layer: string | undefined): void {
    const where = this.where(path);
    const named = layer !== undefined ? ` ${shown(layer)}` : '';
    if (className === 'TFSMLayer') {
      const filepath = str(own(inner, 'filepath'));
      this.report(KERAS_CODES.tfsmLayer, () => anomaly(KERAS_CODES.tfsmLayer, `loading TFSMLayer${named} at ${where} loads the TensorFlow SavedModel at ${filepath !== undefined ? shown(filepath) : '(no filepath)'} and runs its graph, even with safe_mode=True in keras < 3.12.1 and 3.13.0-3.13.1 (CVE-2026-1462)`, undefined, {
        at: where, ...(filepath !== undefined ? { filepath } : {}), cve: 'CVE-2026-1462',
      }));
    }
    if (className === 'TorchModuleWrapper') {
      const payload = str(own(inner, 'module'));
      this.report(KERAS_CODES.torchModule, () => anomaly(KERAS_CODES.torchModule, `loading TorchModuleWrapper${named} at ${where} torch.load()s the pickled torch module stored in the config (weights_only=False), which runs any code the pickle names (CVE-2025-49655)`, undefined, {
        at: where, ...(payload !== undefined ? { base64Chars: payload.length } : {}), cve: 'CVE-2025-49655',
      }));
      if (payload !== undefined && this.embedded.length < MAX_EMBEDDED) this.embedded.push({ at: `${path}.config.module`, kind: 'torch-module', base64: payload });
    }
    if (className === 'TFOpLambda' || className === 'SlicingOpLambda') {
      const fn = str(own(inner, 'function'));
      if (fn !== undefined && RISKY_TF_API_PREFIXES.some((p) => fn === p.replace(/\.$/, '') || fn.startsWith(p) || fn.startsWith(`tf.${p}`))) {
        this.report(KERAS_CODES.tfOp, () => anomaly(KERAS_CODES.tfOp, `loading ${className}${named} at ${where} calls ${ident(`tf.${fn.replace(/^tf\./, '')}`)}, a TensorFlow API that reaches files, processes or Python`, undefined, { at: where, function: fn }));
      }
    }
    if (className === 'TensorFlowOpLayer') {
      const nodeDef = own(inner, 'node_def');
      const op = isRecord(nodeDef) ? str(own(nodeDef, 'op')) : undefined;
      if (op !== undefined && RISKY_TF_OPS.has(op)) {
        this.report(KERAS_CODES.tfOp, () => anomaly(KERAS_CODES.tfOp, `loading TensorFlowOpLayer${named} at ${where} runs the TensorFlow op ${ident(op)}, which reaches files or Python`, undefined, { at: where, op }));
      }
    }
    for (const key of FILE_PATH_KEYS) {
      const value = str(own(inner, key));
      if (value === undefined || value === '') continue;
      const kind = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? 'a URL' : value.startsWith('/') || /^[A-Za-z]:[\\/]/.test(value) || value.startsWith('\\\\') ? 'an absolute path' : value.split(/[\\/]/).includes('..') ? 'a path that climbs out with ..' : 'a relative path';
      this.report(KERAS_CODES.externalFile, () => anomaly(KERAS_CODES.externalFile, `loading ${ident(className)}${named} at ${where} reads its ${key} from ${shown(value)} (${kind} outside the model archive), even with safe_mode=True in keras < 3.12 (CVE-2025-12058)`, undefined, {
        at: where, key, path: value, kind, cve: 'CVE-2025-12058',
      }));
    }
  }

  private foreign(module: string, name: string, o: Json, path: string, kind: 'function' | 'class'): void {
    const where = this.where(path);
    const reason = deniedReason(module, name)?.split(/ \(|;/)[0];
    const args = argumentSummary(o);
    const message = `loading calls ${ident(`${module}.${name}`)}${reason ? ` (${reason})` : ''}: the ${kind} object at ${where} names a ${kind} outside Keras${args}, which keras < 3.9 imports and calls even with safe_mode=True (CVE-2025-1550)`;
    this.report(KERAS_CODES.foreignFunction, () => anomaly(KERAS_CODES.foreignFunction, message, undefined, { at: where, module, name, kind, ...(reason ? { denylisted: reason } : {}), cve: 'CVE-2025-1550' }));
  }

  private nonModeling(api: string, short: string, what: string, o: Json, path: string): void {
    const where = this.where(path);
    if (short === 'enable_unsafe_deserialization') {
      this.unsafeStringSeen = true;
      this.report(KERAS_CODES.unsafeDeserialization, () => anomaly(KERAS_CODES.unsafeDeserialization, `loading calls ${api}, which turns safe_mode off for the rest of the load so Lambda bytecode and other unsafe objects run (CVE-2025-9906): the function object is at ${where}`, undefined, { at: where, api, cve: 'CVE-2025-9906' }));
      return;
    }
    const url = findUrl(o);
    const cve = short === 'get_file' ? 'CVE-2025-8747, CVE-2025-12060' : 'CVE-2025-8747';
    const message = `loading calls ${api}, which ${what}${url ? ` (${shown(url)})` : ''}: keras < 3.11 allows this non-modeling API in a config even with safe_mode=True (${cve}); the function object is at ${where}`;
    this.report(KERAS_CODES.nonModelingApi, () => anomaly(KERAS_CODES.nonModelingApi, message, undefined, { at: where, api, ...(url ? { url } : {}), cve }));
  }

  private inspectString(value: string, path: string, key: string | undefined): void {
    if (this.unsafeStringSeen || !value.includes('enable_unsafe_deserialization')) return;
    this.unsafeStringSeen = true;
    const where = this.where(path);
    this.report(KERAS_CODES.unsafeDeserialization, () => anomaly(KERAS_CODES.unsafeDeserialization, `the config names enable_unsafe_deserialization at ${where}: a config that reaches keras.config.enable_unsafe_deserialization() turns safe_mode off mid-load so Lambda bytecode runs (CVE-2025-9906)`, undefined, { at: where, ...(key !== undefined ? { key } : {}), cve: 'CVE-2025-9906' }));
  }

  private customObject(key: string, message: string, path: string, detail: Record<string, unknown>): void {
    const hit = this.custom.get(key);
    if (hit) {
      hit.count++;
      return;
    }
    this.custom.set(key, { first: this.where(path), count: 1, message, detail });
  }

  finish(): void {
    for (const hit of this.custom.values()) {
      const more = hit.count > 1 ? ` (${hit.count} occurrences)` : '';
      this.report(KERAS_CODES.customObject, () => anomaly(KERAS_CODES.customObject, `${hit.message}${more}`, undefined, { at: hit.first, count: hit.count, ...hit.detail }));
    }
    for (const [code, n] of this.counts) {
      if (n <= MAX_PER_CODE) continue;
      const lead = code === KERAS_CODES.lambda ? 'loading runs Python bytecode from the file: ' : '';
      this.anomalies.push(anomaly(code, `${lead}the config at ${this.where('')} holds ${n} findings of this kind (${code}); the first ${MAX_PER_CODE} are reported one by one`, undefined, { count: n, listed: MAX_PER_CODE }));
    }
  }
}

/** tf.keras json_utils markers that carry data, not classes. */
const LEGACY_MARKERS: ReadonlySet<string> = new Set(['__tuple__', 'TensorShape', 'TypeSpec', '__passive_serialization__']);

/** `keras_hub>GemmaBackbone`: a registered name in one of Keras's own packages. */
function isKerasRegistered(registeredName: string): boolean {
  const cut = registeredName.indexOf('>');
  return cut > 0 && KERAS_PACKAGES.has(registeredName.slice(0, cut));
}

function deniedReason(module: string, name: string): string | undefined {
  try {
    const verdict = classifyGlobal(module, name);
    return verdict.verdict === 'denied' ? verdict.reason : undefined;
  } catch {
    return undefined;
  }
}

/** The first URL among an object's values (a get_file origin), searched breadth-first and bounded. */
function findUrl(root: Json): string | undefined {
  const queue: unknown[] = [root];
  for (let next = 0; next < queue.length && next < 10_000; next++) {
    const v = queue[next];
    if (typeof v === 'string' && /^(https?|ftp|file|gs|s3):\/\//i.test(v)) return v;
    if (queue.length >= 10_000) continue;
    if (Array.isArray(v)) queue.push(...v.slice(0, 100));
    else if (isRecord(v)) for (const k of Object.keys(v).slice(0, 100)) queue.push(v[k]);
  }
  return undefined;
}

/** The literal arguments a Functional graph passes to a `function` "layer", for the message. */
function argumentSummary(o: Json): string {
  const nodes = own(o, 'inbound_nodes');
  if (!Array.isArray(nodes) || !isRecord(nodes[0])) return '';
  const args = own(nodes[0], 'args');
  if (!Array.isArray(args)) return '';
  const literal = args.filter((a) => typeof a === 'string' || typeof a === 'number').slice(0, 4);
  if (literal.length === 0) return ' and the model graph calls it';
  return ` and the model graph calls it with ${literal.map((a) => (typeof a === 'string' ? shown(a) : String(a))).join(', ')}`;
}

/**
 * Inspects a Keras config with options: where it came from (for messages) and which loader reads
 * it. Pure and synchronous; never throws; the walk is bounded by depth and node count.
 */
export function inspectKerasConfigWith(config: unknown, options: KerasInspectOptions = {}): KerasConfigInspection {
  const inspection = new Inspection(options);
  try {
    inspection.walk(config);
  } catch (err) {
    // The walk is iterative and bounded; this only guards against the unforeseen (fail closed).
    inspection.anomalies.push(anomaly(KERAS_CODES.configLimit, `not fully analysed: inspecting the Keras config at ${inspection.where('')} failed (${(err as Error).message})`));
  }
  inspection.finish();
  const root = isRecord(config) ? config : undefined;
  const modelClass = root ? str(own(root, 'class_name')) : undefined;
  return {
    objects: inspection.objects,
    anomalies: inspection.anomalies,
    embedded: inspection.embedded,
    ...(inspection.objectsTruncated ? { objectsTruncated: true } : {}),
    ...(modelClass !== undefined ? { modelClass } : {}),
    ...(root ? { configFormat: Object.hasOwn(root, 'module') ? 'keras3' : 'legacy' } : {}),
  };
}

/**
 * The inspector other families call (the TensorFlow SavedModel's keras_metadata.pb): `at` names
 * where the config came from and prefixes every location in the anomalies; with `at`, the Lambda
 * message describes tf.keras's SavedModel loading.
 */
export function inspectKerasConfig(config: unknown, at?: string): KerasConfigInspection {
  return inspectKerasConfigWith(config, at !== undefined ? { at, container: 'savedmodel' } : {});
}
