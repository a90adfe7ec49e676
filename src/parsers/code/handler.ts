import type { FormatHandler, ZipFlavourHandler } from '../../engine/format-handler.js';
import { analyseSource, type SourceKind } from './analyse.js';

/**
 * Source files are found by name, as the interpreter and bundlers find them; the named stage runs
 * after the pickle sniff, so a pickle saved under a `.py` name is still read as the pickle it is.
 */
const BY_EXTENSION: ReadonlyMap<string, SourceKind> = new Map<string, SourceKind>([
  ...['py', 'pyw', 'pyi'].map((e): [string, SourceKind] => [e, { format: 'python-source', language: 'python', grammar: 'python' }]),
  ['ipynb', { format: 'notebook', language: 'python', grammar: 'python' }],
  ...['js', 'mjs', 'cjs', 'jsx'].map((e): [string, SourceKind] => [e, { format: 'javascript-source', language: 'javascript', grammar: 'javascript' }]),
  ...['ts', 'mts', 'cts'].map((e): [string, SourceKind] => [e, { format: 'javascript-source', language: 'typescript', grammar: 'typescript' }]),
  ['tsx', { format: 'javascript-source', language: 'typescript', grammar: 'tsx' }],
]);

function kindOf(name: string): SourceKind | undefined {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? BY_EXTENSION.get(name.slice(dot + 1).toLowerCase()) : undefined;
}

/** `.ts` is also MPEG transport stream video: 188-byte packets, each starting with the sync byte 0x47. */
const isMpegTs = (head: Uint8Array): boolean => head.length > 188 && head[0] === 0x47 && head[188] === 0x47;

function handlerFor(format: SourceKind['format']): FormatHandler {
  return {
    format,
    stage: 'named',
    sniff: ({ name, head }) => kindOf(name)?.format === format && !(name.toLowerCase().endsWith('.ts') && isMpegTs(head)),
    analyse: (reader, context) => analyseSource(reader, context, kindOf(context.name)!),
  };
}

/** This family's entries into the engine (see src/engine/handlers.ts for the order). */
export const HANDLERS: FormatHandler[] = [handlerFor('python-source'), handlerFor('notebook'), handlerFor('javascript-source')];
export const ZIP_FLAVOURS: ZipFlavourHandler[] = [];
