/**
 * Real documents of every kind modelvet reads as JSON, YAML or TOML (from test/fixtures), rewritten
 * so that every object in them carries hostile keys, plus hand-made binaries whose names are the
 * names of inherited members.
 *
 * Two rewrites of each JSON document:
 *   - `pollute`: every object gets `__proto__: {mvPolluted}`, `constructor: {prototype: {mvPolluted}}`
 *     and `prototype: {mvPolluted}` — what an `Object.assign`, a recursive merge or an
 *     `obj[k1][k2] = v` walk would plant on `Object.prototype`;
 *   - `shadow`: every non-empty object gets `__proto__`, `constructor`, `prototype`, `toString`,
 *     `hasOwnProperty`, `valueOf` entries shaped like its first entry (a tensor entry, a file
 *     name, a version) — what a lookup `table[name]` or a call `doc.hasOwnProperty(k)` trips on.
 * JSON.stringify writes an own `__proto__` property as a key, so the texts really hold them.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { openMember, readZipDirectory } from '../../src/parsers/zip/index.js';
import { bufferReader } from '../../src/sources/readers.js';
import { buildZip } from '../parsers/zip/helpers/zip-writer.js';
import { buildGguf, soundSpec, V } from '../parsers/gguf/build.js';
import { model as onnxModel, node as onnxNode } from '../parsers/onnx/build.js';
import { encodeMetadata, op as tfOp, savedModel } from '../parsers/tensorflow/build.js';
import { CANARY } from './pollution.js';
import { REPO } from './regex-corpus.js';

export type Variant = 'pollute' | 'shadow';

export const HOSTILE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'] as const;

export interface HostileDocument {
  /** Relative path in the folder the scan tests write (its base name picks the parser). */
  name: string;
  bytes: Uint8Array;
  /** What modelvet reads it as, for messages. */
  kind: string;
}

const enc = new TextEncoder();
const fixture = (rel: string): Uint8Array => new Uint8Array(readFileSync(`${REPO}test/fixtures/${rel}`));
const fixtureText = (rel: string): string => readFileSync(`${REPO}test/fixtures/${rel}`, 'utf8');

function own(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

const canary = (): Record<string, unknown> => {
  const o: Record<string, unknown> = {};
  own(o, CANARY, 'yes');
  return o;
};

/** A deep copy of a JSON value with hostile keys added to every object. */
export function poison(value: unknown, variant: Variant): unknown {
  if (Array.isArray(value)) return value.map((v) => poison(v, variant));
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value);
  const out: Record<string, unknown> = {};
  if (variant === 'pollute') {
    const nested = canary();
    own(nested, '__proto__', canary());
    const proto = canary();
    own(proto, 'nested', nested);
    own(out, '__proto__', proto);
    own(out, 'constructor', { prototype: canary() });
    own(out, 'prototype', canary());
  } else if (entries.length > 0) {
    const [, first] = entries[0]!;
    for (const key of HOSTILE_KEYS) own(out, key, structuredClone(first));
  }
  for (const [k, v] of entries) if (!Object.hasOwn(out, k)) own(out, k, poison(v, variant));
  return out;
}

const poisonedJson = (text: string, variant: Variant): string => JSON.stringify(poison(JSON.parse(text), variant), null, 1);

/** A safetensors file with its header rewritten (data offsets kept, so the tensors still fit). */
function poisonSafetensors(bytes: Uint8Array, variant: Variant): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(view.getBigUint64(0, true));
  const header = new TextDecoder().decode(bytes.subarray(8, 8 + n));
  let json = poisonedJson(header, variant);
  json += ' '.repeat((8 - (enc.encode(json).length % 8)) % 8);
  const head = enc.encode(json);
  const data = bytes.subarray(8 + n);
  const out = new Uint8Array(8 + head.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(head.length), true);
  out.set(head, 8);
  out.set(data, 8 + head.length);
  return out;
}

/** A model-signing bundle with both the bundle and its signed statement rewritten (the signature then fails, as it should). */
function poisonSignature(text: string, variant: Variant): string {
  const bundle = JSON.parse(text) as { dsseEnvelope: { payload: string } };
  const statement = Buffer.from(bundle.dsseEnvelope.payload, 'base64').toString('utf8');
  bundle.dsseEnvelope.payload = Buffer.from(poisonedJson(statement, variant)).toString('base64');
  return JSON.stringify(poison(bundle, variant), null, 1);
}

/** TOML: hostile keys as inline tables at the top and in every table. */
function poisonToml(text: string, variant: Variant): string {
  const keys =
    variant === 'pollute'
      ? [`__proto__ = { ${CANARY} = "yes" }`, `constructor = { prototype = { ${CANARY} = "yes" } }`, `prototype = { ${CANARY} = "yes" }`]
      : [`__proto__ = "1.0"`, `constructor = ">=2"`, `prototype = "3"`, `toString = "4"`, `hasOwnProperty = "5"`, `valueOf = "6"`];
  const out: string[] = [...keys];
  for (const line of text.split('\n')) {
    out.push(line);
    if (/^\s*\[/.test(line)) out.push(...keys);
  }
  return out.join('\n');
}

/** YAML read by modelvet's YAML parser: the poisoned document as a flow mapping (JSON is YAML). */
const poisonYaml = (text: string, variant: Variant): string => `# rewritten by test/safety/hostile-documents.ts\n${JSON.stringify(poison(parseYaml(text), variant), null, 1)}\n`;

/** YAML's own ways in: anchors merged into mappings (`<<`), keys that are inherited names, and `!!` tags. */
const YAML_MERGE = `base: &base
  __proto__:
    ${CANARY}: yes
  constructor:
    prototype:
      ${CANARY}: yes
  prototype:
    ${CANARY}: yes
model:
  <<: *base
  pretrained_model_name_or_path: org/model
  revision: main
__proto__: &proto
  ${CANARY}: yes
constructor:
  <<: *proto
  prototype: *proto
toString: org/model
hasOwnProperty: org/other
? !!str __proto__x
: yes
`;

/** A model card whose front matter is the poisoned YAML of a real one. */
function poisonCard(text: string, variant: Variant): string {
  const m = /^---\n([\s\S]*?)\n---\n/.exec(text)!;
  return `---\n${JSON.stringify(poison(parseYaml(m[1]!), variant))}\n---\n${text.slice(m[0].length)}`;
}

/** A .keras archive (a real one) with its JSON members rewritten by `rewrite`. */
async function rewriteKeras(bytes: Uint8Array, rewrite: (json: string, member: string) => string): Promise<Uint8Array> {
  const reader = bufferReader(bytes);
  const dir = await readZipDirectory(reader);
  const entries = [];
  for (const entry of dir.entries) {
    const member = await openMember(reader, entry, { maxBytes: 64 * 1024 * 1024 });
    let data = await member.read(0, member.size);
    if (entry.name.endsWith('.json')) data = enc.encode(rewrite(new TextDecoder().decode(data), entry.name));
    entries.push({ name: entry.name, data });
  }
  return buildZip(entries);
}

/** One member of a zip, read with modelvet's own reader. */
async function zipMember(bytes: Uint8Array, name: string): Promise<string> {
  const reader = bufferReader(bytes);
  const entry = (await readZipDirectory(reader)).entries.find((e) => e.name === name)!;
  const member = await openMember(reader, entry, { maxBytes: 64 * 1024 * 1024 });
  return new TextDecoder().decode(await member.read(0, member.size));
}

/** tf.keras's keras_metadata.pb: the model's Keras config as JSON inside a protobuf (the real Sequential's config, rewritten). */
async function kerasMetadata(variant: Variant): Promise<Uint8Array> {
  const config = await zipMember(fixture('benign/keras/sequential.keras'), 'config.json');
  return encodeMetadata({ nodes: [{ node_id: 0, node_path: 'root', identifier: '_tf_keras_sequential', metadata: poisonedJson(config, variant) }] });
}

const REQUIREMENTS_NAMES = `${HOSTILE_KEYS.map((k, i) => `${k}==${i + 1}.0`).join('\n')}\n`;

/** Every JSON, YAML and TOML kind modelvet reads, from real files, rewritten one way. */
export async function hostileDocuments(variant: Variant): Promise<HostileDocument[]> {
  const json = (name: string, rel: string, kind: string): HostileDocument => ({ name, kind, bytes: enc.encode(poisonedJson(fixtureText(rel), variant)) });
  const text = (name: string, body: string, kind: string): HostileDocument => ({ name, kind, bytes: enc.encode(body) });
  return [
    { name: 'model.safetensors', kind: 'safetensors header', bytes: poisonSafetensors(fixture('benign/safetensors/torch-state-dict.safetensors'), variant) },
    json('model.safetensors.index.json', 'benign/safetensors/tiny-bert/model.safetensors.index.json', 'safetensors index'),
    json('tokenizer_config.json', 'bom/tiny-gpt2/tokenizer_config.json', 'tokenizer config (chat template)'),
    json('templates/tokenizer_config.json', 'benign/template/hf-legacy/tokenizer_config.json', 'tokenizer config (named chat templates)'),
    json('config.json', 'bom/tiny-gpt2/config.json', 'model config.json'),
    json('adapter/adapter_config.json', 'projects/code/configs/peft-adapter/adapter_config.json', 'model-config JSON (PEFT adapter)'),
    json('app/app-config.json', 'projects/code/configs/app-config.json', 'model-config JSON'),
    text('hydra/config.yaml', poisonYaml(fixtureText('projects/code/configs/hydra/config.yaml'), variant), 'model-config YAML (Hydra)'),
    text('axolotl/qlora.yml', poisonYaml(fixtureText('projects/code/configs/axolotl/qlora.yml'), variant), 'model-config YAML (axolotl)'),
    text('mergekit/ties.yml', poisonYaml(fixtureText('projects/code/configs/mergekit/ties.yml'), variant), 'model-config YAML (mergekit)'),
    text('yaml-merge/params.yaml', YAML_MERGE, 'model-config YAML (anchors and merge keys)'),
    json('js/package.json', 'projects/deps/js-app/package.json', 'package.json'),
    json('js/package-lock.json', 'projects/deps/js-app/package-lock.json', 'package-lock.json'),
    json('pipenv/Pipfile.lock', 'projects/deps/py-pipenv/Pipfile.lock', 'Pipfile.lock'),
    text('pep621/pyproject.toml', poisonToml(fixtureText('projects/deps/py-pep621/pyproject.toml'), variant), 'pyproject.toml (PEP 621)'),
    text('poetry/pyproject.toml', poisonToml(fixtureText('projects/deps/py-poetry/pyproject.toml'), variant), 'pyproject.toml (Poetry)'),
    text('poetry/poetry.lock', poisonToml(fixtureText('projects/deps/py-poetry/poetry.lock'), variant), 'poetry.lock'),
    text('uv/uv.lock', poisonToml(fixtureText('projects/deps/py-uv/uv.lock'), variant), 'uv.lock'),
    text('pip/requirements.txt', `${fixtureText('projects/deps/py-requirements-clean/requirements.txt').replace(/^-[rc] .*$/gm, '')}${REQUIREMENTS_NAMES}`, 'requirements.txt'),
    text('signed/model.sig', poisonSignature(fixtureText('projects/integrity-signing/model/model.sig'), variant), 'model-signing bundle'),
    json('boms/model.cdx.json', 'projects/bom/cyclonedx-hub/model.cdx.json', 'CycloneDX BOM'),
    json('boms/golden.cdx.json', 'bom/golden/tiny-gpt2.cyclonedx-1.7.json', 'CycloneDX 1.7 ML-BOM'),
    json('boms/model.spdx.json', 'projects/bom/spdx2/model.spdx.json', 'SPDX 2 BOM'),
    json('boms/model.spdx3.json', 'projects/bom/spdx3/model.spdx3.json', 'SPDX 3 BOM'),
    { name: 'keras/model.keras', kind: 'Keras v3 archive (config.json, metadata.json)', bytes: await rewriteKeras(fixture('benign/keras/sequential.keras'), (json) => poisonedJson(json, variant)) },
    { name: 'tf/keras_metadata.pb', kind: 'tf.keras keras_metadata.pb (JSON in protobuf)', bytes: await kerasMetadata(variant) },
    json('notebooks/explore.ipynb', 'projects/code/notebook/explore.ipynb', 'Jupyter notebook'),
    text('README.md', poisonCard(fixtureText('bom/tiny-gpt2/README.md'), variant), 'model card front matter'),
  ];
}

/** A modelvet lockfile in the schema's shape, rewritten (a path named after an inherited member among its files). */
export function hostileLockfile(variant: Variant): HostileDocument {
  const lock = {
    lockfileVersion: 1,
    models: [
      {
        source: { type: 'local', path: '.' },
        files: [
          { path: 'model.safetensors', size: 874, sha256: '0'.repeat(64), from: 'local' },
          { path: 'constructor', size: 1, sha256: '1'.repeat(64), from: 'local' },
          { path: '__proto__', size: 1, sha256: '2'.repeat(64), from: 'local' },
        ],
      },
    ],
  };
  return { name: 'lock/modelvet.lock.json', kind: 'modelvet lockfile', bytes: enc.encode(JSON.stringify(poison(lock, variant), null, 1)) };
}

/**
 * A valid lockfile (no key the schema refuses) whose file paths are inherited members' names,
 * beside the real model.safetensors: a table of locked files keyed by path must not find them
 * where they are not. `sha256`/`size` are the model file's real ones.
 */
export function lockfileNamingInheritedMembers(model: { sha256: string; size: number }): string {
  const files = [
    { path: 'model.safetensors', size: model.size, sha256: model.sha256, from: 'local' },
    ...HOSTILE_KEYS.map((path, i) => ({ path, size: 1, sha256: String(i).repeat(64), from: 'local' })),
  ];
  return `${JSON.stringify({ lockfileVersion: 1, models: [{ source: { type: 'local', path: '.' }, files }] }, null, 2)}\n`;
}

/** Protocol-2 pickle text for `GLOBAL module name` then `STOP`, the way `pickle.dumps` references a callable. */
function pickleGlobals(pairs: ReadonlyArray<readonly [string, string]>): Uint8Array {
  const parts: number[] = [0x80, 0x02, 0x5d]; // PROTO 2, EMPTY_LIST
  for (const [module, name] of pairs) parts.push(0x63, ...enc.encode(`${module}\n${name}\n`), 0x29, 0x52, 0x61); // GLOBAL, EMPTY_TUPLE, REDUCE, APPEND
  parts.push(0x2e);
  return Uint8Array.from(parts);
}

export interface HostileName {
  name: string;
  bytes: Uint8Array;
  kind: string;
  /** Substrings a high or critical finding must mention: the hostile name was judged, not looked up as known. */
  mentions: string[];
}

/**
 * Binaries whose names are inherited members: a pickle importing `__proto__.constructor`, a GGUF
 * with such metadata keys, ONNX and TensorFlow graphs running such ops. An allowlist kept in a
 * plain object would answer "known" for them; each must be judged unknown (fail closed).
 */
/** The real Sequential model's layers renamed: classes, modules and an activation named after inherited members. */
function kerasNames(json: string, member: string): string {
  if (member !== 'config.json') return json;
  const config = JSON.parse(json) as { config: { layers: Array<Record<string, unknown>> } };
  const dense = config.config.layers[1]!;
  config.config.layers.push(
    // Without a module (the legacy layout) a class name is looked up among Keras's own classes.
    Object.fromEntries(Object.entries({ ...structuredClone(dense), class_name: 'constructor' }).filter(([k]) => k !== 'module')),
    { ...structuredClone(dense), module: '__proto__', class_name: 'Dense' },
    { ...structuredClone(dense), module: 'keras.layers', class_name: 'Dense', registered_name: 'toString>hasOwnProperty' },
  );
  return JSON.stringify(config);
}

export async function hostileNames(): Promise<HostileName[]> {
  const gguf = soundSpec();
  gguf.kvs = [
    ...gguf.kvs!,
    ...HOSTILE_KEYS.map((key) => ({ key, type: V.STRING, value: 'x' })),
    { key: 'tokenizer.chat_template.__proto__', type: V.STRING, value: "{{ cycler.__init__.__globals__.os.popen('echo modelvet').read() }}" },
    { key: 'tokenizer.chat_template.constructor', type: V.STRING, value: '{{ messages[0].content }}' },
  ];
  return [
    {
      name: 'proto-globals.pkl',
      kind: 'pickle globals named after inherited members',
      bytes: pickleGlobals([
        ['__proto__', 'constructor'],
        ['constructor', 'prototype'],
        ['builtins', '__proto__'],
        ['torch', 'constructor'],
        ['collections', 'hasOwnProperty'],
      ]),
      mentions: ['__proto__.constructor', 'constructor.prototype', 'builtins.__proto__', 'torch.constructor', 'collections.hasOwnProperty'],
    },
    { name: 'proto-keys.gguf', kind: 'GGUF metadata keys named after inherited members', bytes: buildGguf(gguf), mentions: ['popen'] },
    {
      name: 'proto-layers.keras',
      kind: 'Keras layers named after inherited members',
      bytes: await rewriteKeras(fixture('benign/keras/sequential.keras'), kerasNames),
      mentions: ['constructor', '__proto__', 'toString'],
    },
    {
      name: 'proto-ops.onnx',
      kind: 'ONNX operators named after inherited members',
      bytes: onnxModel({ node: [onnxNode('constructor', '__proto__'), onnxNode('toString', ''), onnxNode('hasOwnProperty', 'constructor')] }, { opset_import: [{ domain: '', version: 17 }, { domain: '__proto__', version: 1 }, { domain: 'constructor', version: 1 }] }),
      mentions: ['__proto__', 'constructor'],
    },
    {
      name: 'proto-ops/saved_model.pb',
      kind: 'TensorFlow ops named after inherited members',
      bytes: savedModel({ node: [tfOp('a', 'constructor'), tfOp('b', '__proto__'), tfOp('c', 'toString'), tfOp('d', 'hasOwnProperty')] }),
      mentions: ['constructor', '__proto__', 'toString'],
    },
  ];
}
