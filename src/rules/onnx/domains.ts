/**
 * Reads policy/onnx-domains.json: the ONNX operator domains every runtime implements, and the
 * ones built into a known runtime. Any other domain needs a custom-op library.
 *
 * The file lives in `<package root>/policy/`; this module sits three levels below the root both
 * as `src/rules/onnx/domains.ts` (tsx) and as `dist/rules/onnx/domains.js` (tsc).
 */
import { readFileSync } from 'node:fs';

export interface OnnxDomainPolicy {
  standard: ReadonlySet<string>;
  /** Domain → the runtime that provides it and why. */
  runtime: ReadonlyMap<string, { runtime: string; note: string }>;
}

export const ONNX_DOMAINS_URL = new URL('../../../policy/onnx-domains.json', import.meta.url);

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function loadOnnxDomains(url: URL = ONNX_DOMAINS_URL): OnnxDomainPolicy {
  const data: unknown = JSON.parse(readFileSync(url, 'utf8'));
  // A broken data file is a packaging bug: stop loudly rather than call every domain custom.
  const fail = (what: string): never => {
    throw new Error(`modelvet: invalid policy file ${url.pathname}: ${what}`);
  };
  if (!isObj(data) || data.kind !== 'onnx-domains' || !Array.isArray(data.standard) || !Array.isArray(data.runtime)) return fail('not an onnx-domains file');
  const standard = new Set<string>();
  for (const e of data.standard) {
    if (!isObj(e) || typeof e.domain !== 'string') return fail('standard entry without a domain');
    standard.add(e.domain);
  }
  const runtime = new Map<string, { runtime: string; note: string }>();
  for (const e of data.runtime) {
    if (!isObj(e) || typeof e.domain !== 'string' || typeof e.runtime !== 'string' || typeof e.note !== 'string') return fail('runtime entry needs domain, runtime and note');
    runtime.set(e.domain, { runtime: e.runtime, note: e.note });
  }
  return { standard, runtime };
}

let cached: OnnxDomainPolicy | undefined;
export const onnxDomains = (): OnnxDomainPolicy => (cached ??= loadOnnxDomains());
