/**
 * Reads policy/tensorflow-ops.json: every op name TensorFlow registers (generated from the real
 * TensorFlow by test/fixtures/make_tensorflow.py). An op outside it needs a kernel library.
 *
 * The file lives in `<package root>/policy/`; this module sits three levels below the root both
 * as `src/rules/tensorflow/op-set.ts` (tsx) and as `dist/rules/tensorflow/op-set.js` (tsc).
 */
import { readFileSync } from 'node:fs';

export interface TfOpSet {
  tensorflowVersion: string;
  ops: ReadonlySet<string>;
}

export const TF_OPS_URL = new URL('../../../policy/tensorflow-ops.json', import.meta.url);

export function loadTfOpSet(url: URL = TF_OPS_URL): TfOpSet {
  const data: unknown = JSON.parse(readFileSync(url, 'utf8'));
  const d = data as { kind?: unknown; tensorflowVersion?: unknown; ops?: unknown };
  // A broken data file is a packaging bug: stop loudly rather than call every op unknown.
  if (d?.kind !== 'tensorflow-ops' || typeof d.tensorflowVersion !== 'string' || !Array.isArray(d.ops) || !d.ops.every((o) => typeof o === 'string')) {
    throw new Error(`modelvet: invalid policy file ${url.pathname}: not a tensorflow-ops file`);
  }
  return { tensorflowVersion: d.tensorflowVersion, ops: new Set(d.ops as string[]) };
}

let cached: TfOpSet | undefined;
export const tfOpSet = (): TfOpSet => (cached ??= loadTfOpSet());
