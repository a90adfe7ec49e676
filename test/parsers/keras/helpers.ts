import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { analyseReader } from '../../../src/engine/analyse.js';
import { openMember, readZipDirectory } from '../../../src/parsers/zip/index.js';
import { bufferReader, fileReader } from '../../../src/sources/readers.js';
import type { Artifact } from '../../../src/types.js';

export const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url));

export const fixtureBytes = (rel: string): Uint8Array => new Uint8Array(readFileSync(FIXTURES + rel));

/** The config.json of a .keras fixture (the last one, as Python's zipfile reads it), parsed. */
export async function kerasConfig(rel: string): Promise<Record<string, unknown>> {
  const reader = bufferReader(fixtureBytes(rel));
  const dir = await readZipDirectory(reader);
  const entry = dir.entries.filter((e) => e.name === 'config.json').at(-1)!;
  const member = await openMember(reader, entry);
  return JSON.parse(new TextDecoder().decode(await member.read(0, member.size))) as Record<string, unknown>;
}

/** Analyses a fixture as a local file (the way `scan` does). */
export async function analyseFixture(rel: string): Promise<Artifact> {
  const reader = await fileReader(FIXTURES + rel);
  try {
    return await analyseReader(reader, rel, 0, undefined, { file: { absolutePath: FIXTURES + rel } });
  } finally {
    await reader.close();
  }
}

/** Every anomaly code in an artifact tree. */
export function codesIn(artifact: Artifact): string[] {
  return [...artifact.anomalies.map((a) => a.code), ...artifact.children.flatMap(codesIn)];
}

/** A deep copy to edit. */
export const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
