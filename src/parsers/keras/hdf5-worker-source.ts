/**
 * The HDF5 reader's worker thread, as source text run with `new Worker(src, { eval: true })`.
 *
 * Why a worker: libhdf5 (compiled to wasm by h5wasm) loops forever on some corrupted files (the
 * native library does too; see test/parsers/keras/hdf5.test.ts), aborts on others, and can read
 * out of bounds of its own heap. A loop in wasm cannot be interrupted from its own thread, and an
 * aborted or corrupted wasm instance must not serve the next file. In a worker, a time limit ends
 * it with `terminate()` and the next file gets a fresh instance.
 * Why source text: the worker must start the same way from the TypeScript sources (tsx, which
 * workers do not inherit when registered programmatically) and from the compiled package.
 *
 * Messages in: { id, path, attributes: string[], maxAttrBytes, maxObjects }.
 * Messages out: { id, result } with result = Hdf5WorkerResult (see hdf5-reader.ts).
 *
 * libhdf5 prints its error stack to file descriptor 2 through emscripten's raw node FS; those
 * writes are captured here (they explain why a file did not open) instead of reaching stderr.
 */
export const HDF5_WORKER_SOURCE = String.raw`
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');

let diagnostics = '';
const MAX_DIAG = 16384;
const capture = (text) => { if (diagnostics.length < MAX_DIAG) diagnostics += String(text).slice(0, MAX_DIAG - diagnostics.length); };
const writeSync = fs.writeSync;
fs.writeSync = function (fd, buffer, ...rest) {
  if (fd === 1 || fd === 2) {
    if (typeof buffer === 'string') { capture(buffer); return Buffer.byteLength(buffer); }
    const offset = typeof rest[0] === 'number' ? rest[0] : 0;
    const length = typeof rest[1] === 'number' ? rest[1] : buffer.byteLength - offset;
    capture(Buffer.from(buffer.buffer, buffer.byteOffset + offset, length).toString('utf8'));
    return length;
  }
  return writeSync.call(this, fd, buffer, ...rest);
};
console.log = console.info = console.warn = console.error = (...args) => capture(args.join(' ') + '\n');

let h5;
const ready = import(workerData.h5wasmUrl).then(async (mod) => { await mod.default.ready; h5 = mod; });

function declaredBytes(meta) {
  if (!meta || meta.vlen) return undefined;
  const count = Array.isArray(meta.shape) ? meta.shape.reduce((a, b) => a * Number(b), 1) : 1;
  return Number(meta.size) * count;
}

function normalise(value) {
  if (typeof value === 'string') return { kind: 'string', value };
  if (Array.isArray(value)) {
    if (value.every((v) => typeof v === 'string')) return { kind: 'strings', value: value.slice(0, 10000) };
    return { kind: 'array', length: value.length };
  }
  if (value instanceof Uint8Array) return { kind: 'string', value: Buffer.from(value).toString('utf8') };
  if (value === null || value === undefined) return { kind: 'none' };
  return { kind: typeof value };
}

function readAttribute(Module, fileId, name, maxBytes) {
  const meta = Module.get_attribute_metadata(fileId, '/', name);
  const declared = declaredBytes(meta);
  if (declared !== undefined && declared > maxBytes) return { kind: 'too-large', bytes: declared };
  const attr = new h5.Attribute(fileId, '/', name);
  const out = normalise(attr.value);
  const length = out.kind === 'string' ? out.value.length : out.kind === 'strings' ? out.value.reduce((n, s) => n + s.length, 0) : 0;
  if (length > maxBytes) return { kind: 'too-large', bytes: length };
  return out;
}

function walk(Module, fileId, maxObjects) {
  const externalLinks = [];
  const queue = ['/'];
  let objectCount = 0;
  let truncated = false;
  for (let next = 0; next < queue.length && !truncated; next++) {
    const group = queue[next];
    const names = Module.get_names(fileId, group, false);
    for (const name of names) {
      if (++objectCount > maxObjects) { truncated = true; break; }
      const full = group === '/' ? '/' + name : group + '/' + name;
      const type = Module.get_type(fileId, full);
      if (type === Module.H5G_GROUP) queue.push(full);
      else if (type === Module.H5G_UDLINK && externalLinks.length < 100) {
        const link = Module.get_external_link(fileId, full);
        externalLinks.push({ at: full, file: String(link.filename), target: String(link.obj_path) });
      }
    }
  }
  return { objectCount: Math.min(objectCount, maxObjects), truncated, externalLinks };
}

parentPort.on('message', async (request) => {
  diagnostics = '';
  try {
    await ready;
  } catch (err) {
    parentPort.postMessage({ id: request.id, result: { ok: false, error: 'h5wasm did not start: ' + (err && err.message), diagnostics, fatal: true } });
    return;
  }
  const Module = h5.Module;
  let file;
  let result;
  try {
    file = new h5.File(request.path, 'r');
    if (file.file_id < 0n) {
      result = { ok: false, error: 'libhdf5 cannot open the file', diagnostics };
    } else {
      const attributeNames = Module.get_attribute_names(file.file_id, '/').slice(0, 1000);
      const attributes = {};
      for (const name of request.attributes) {
        if (attributeNames.includes(name)) attributes[name] = readAttribute(Module, file.file_id, name, request.maxAttrBytes);
      }
      result = { ok: true, attributeNames, attributes, ...walk(Module, file.file_id, request.maxObjects), diagnostics };
    }
  } catch (err) {
    // A wasm abort or trap (RuntimeError) leaves the instance unusable: the main thread replaces the worker.
    const fatal = err instanceof WebAssembly.RuntimeError || /Aborted|memory access out of bounds|unreachable/.test(String(err && err.message));
    result = { ok: false, error: String((err && err.message) || err).slice(0, 500), diagnostics, fatal };
  } finally {
    try { if (file && file.file_id >= 0n) file.close(); } catch { if (result) result.fatal = true; }
  }
  parentPort.postMessage({ id: request.id, result });
});
`;
