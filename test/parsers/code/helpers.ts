import { expect } from 'chai';
import { analyseReader, DEFAULT_ANALYSE_OPTIONS } from '../../../src/engine/analyse.js';
import type { AnalyseOptions } from '../../../src/engine/format-handler.js';
import type { CodeArtifact, CodeCall, CodeValue } from '../../../src/parsers/code/types.js';
import { bufferReader } from '../../../src/sources/readers.js';
import type { ModelRef } from '../../../src/types.js';

/** Source text (or bytes) through the engine, as a scan would meet a file of that name. */
export async function analyse(source: string | Uint8Array, name: string, options: Partial<AnalyseOptions> = {}): Promise<CodeArtifact> {
  const bytes = typeof source === 'string' ? new TextEncoder().encode(source) : source;
  const artifact = await analyseReader(bufferReader(bytes), `repo/${name}`, 0, { ...DEFAULT_ANALYSE_OPTIONS, ...options });
  expect(['python-source', 'notebook', 'javascript-source']).to.include(artifact.format);
  return artifact as CodeArtifact;
}

/** Lines joined, so a snippet's line numbers read off the array index (+1). */
export const lines = (...l: string[]): string => `${l.join('\n')}\n`;

/** The one call to a callee; fails when there is not exactly one. */
export function callTo(artifact: CodeArtifact, callee: string): CodeCall {
  const found = artifact.code.calls.filter((c) => c.callee === callee);
  expect(found, `calls to ${callee} among ${artifact.code.calls.map((c) => c.callee).join(', ')}`).to.have.length(1);
  return found[0]!;
}

export const str = (value: string): CodeValue => ({ kind: 'string', value });

/** A call's keyword arguments as a plain object, for deep equality. */
export const kwargsOf = (call: CodeCall): Record<string, CodeValue> => Object.fromEntries(call.kwargs);

/** Model refs without their location, for comparing the what. */
export const refsOf = (artifact: CodeArtifact): Array<Omit<ModelRef, 'location'>> => (artifact.modelRefs ?? []).map(({ location: _location, ...rest }) => rest);
