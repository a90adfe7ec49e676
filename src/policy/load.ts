/**
 * Reads the curated policy data files.
 *
 * The files live in `<package root>/policy/`. This module sits two levels below the package
 * root both as `src/policy/load.ts` (tsx) and as `dist/policy/load.js` (tsc), so one relative
 * URL works for both. A JSON import would not: tsc refuses files outside `rootDir`.
 */
import { readFileSync } from 'node:fs';
import type { AllowlistFile, DenylistFile } from './types.js';

const POLICY_DIR = new URL('../../policy/', import.meta.url);

export const ALLOWLIST_URL = new URL('pickle-allowlist.json', POLICY_DIR);
export const DENYLIST_URL = new URL('pickle-denylist.json', POLICY_DIR);

function readJson(url: URL): unknown {
  return JSON.parse(readFileSync(url, 'utf8'));
}

function fail(file: URL, what: string): never {
  // A broken data file is a packaging bug: stop loudly rather than scan with half a policy.
  throw new Error(`modelvet: invalid policy file ${file.pathname}: ${what}`);
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
const isStrArr = (v: unknown): v is string[] => Array.isArray(v) && v.length > 0 && v.every(isStr);

/*
 * Structural checks only: the full schema (schemas/policy.schema.json) is enforced by the test
 * suite, and loading ajv on every CLI start for files we ship ourselves buys nothing.
 */
export function loadAllowlist(url: URL = ALLOWLIST_URL): AllowlistFile {
  const data = readJson(url);
  if (!isObj(data) || data.kind !== 'pickle-allowlist' || !Array.isArray(data.entries)) fail(url, 'not a pickle-allowlist');
  data.entries.forEach((e, i) => {
    if (!isObj(e) || !isStr(e.module) || !isStrArr(e.names) || !isStr(e.source)) fail(url, `entry ${i} malformed`);
    if (e.names.includes('*') && !isStr(e.wildcardReason)) fail(url, `entry ${i} ("${e.module}") uses "*" without wildcardReason`);
  });
  return data as unknown as AllowlistFile;
}

export function loadDenylist(url: URL = DENYLIST_URL): DenylistFile {
  const data = readJson(url);
  if (!isObj(data) || data.kind !== 'pickle-denylist' || !Array.isArray(data.entries)) fail(url, 'not a pickle-denylist');
  const intro = data.introspection;
  if (!isObj(intro) || !isStr(intro.reason) || !isStr(intro.source)) fail(url, 'introspection reason/source missing');
  data.entries.forEach((e, i) => {
    if (!isObj(e) || !isStrArr(e.targets) || !isStr(e.reason) || !isStr(e.source)) fail(url, `entry ${i} malformed`);
    if (e.kind !== 'module' && e.kind !== 'callable' && e.kind !== 'attribute') fail(url, `entry ${i} has unknown kind`);
  });
  return data as unknown as DenylistFile;
}
