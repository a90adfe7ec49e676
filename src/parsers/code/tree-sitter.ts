import { createRequire } from 'node:module';
import type * as TreeSitter from '@vscode/tree-sitter-wasm';
import { PARSE_BUDGET_MS } from './limits.js';

export type SyntaxNode = TreeSitter.Node;
export type SyntaxTree = TreeSitter.Tree;

/** Grammars shipped by @vscode/tree-sitter-wasm that the code parsers use. */
export type Grammar = 'python' | 'javascript' | 'typescript' | 'tsx';

// The package is a UMD bundle without an `exports` map: resolving through require works the same
// from the TypeScript sources (tsx) and from dist/, and finds the .wasm files beside it.
const require = createRequire(import.meta.url);
const PACKAGE = '@vscode/tree-sitter-wasm';
const wasmPath = (file: string): string => require.resolve(`${PACKAGE}/wasm/${file}`);

let runtime: Promise<typeof TreeSitter> | undefined;
const parsers = new Map<Grammar, Promise<TreeSitter.Parser>>();

/** The runtime is initialised once, on first use: scans with no source files never pay for it. */
function loadRuntime(): Promise<typeof TreeSitter> {
  runtime ??= (async () => {
    const ts = require(PACKAGE) as typeof TreeSitter;
    const core = wasmPath('tree-sitter.wasm');
    await ts.Parser.init({ locateFile: () => core });
    return ts;
  })();
  return runtime;
}

function parserFor(grammar: Grammar): Promise<TreeSitter.Parser> {
  let parser = parsers.get(grammar);
  if (!parser) {
    parser = (async () => {
      const ts = await loadRuntime();
      const language = await ts.Language.load(wasmPath(`tree-sitter-${grammar}.wasm`));
      return new ts.Parser().setLanguage(language);
    })();
    // A failed load is not cached: the next file tries again rather than inheriting the failure.
    parser.catch(() => parsers.delete(grammar));
    parsers.set(grammar, parser);
  }
  return parser;
}

/** A parsed tree, and the moment past which reading it counts against the same time budget. */
export type ParseOutcome = { tree: SyntaxTree; deadline: number } | { timedOut: true } | { error: string };

/**
 * Parses text, abandoning the parse past the time budget. Parsing is synchronous once the
 * grammar is loaded, so one parser per grammar serves concurrent analyses in turn.
 * The caller owns the tree and must `delete()` it (it lives in WebAssembly memory).
 */
export async function parseSource(grammar: Grammar, text: string, budgetMs = PARSE_BUDGET_MS): Promise<ParseOutcome> {
  let parser: TreeSitter.Parser;
  try {
    parser = await parserFor(grammar);
  } catch (err) {
    return { error: `the ${grammar} grammar could not be loaded: ${(err as Error).message}` };
  }
  const deadline = performance.now() + budgetMs;
  let timedOut = false;
  // The runtime cancels when the callback returns true (its .d.ts types the return as void).
  const progressCallback = (() => (timedOut = timedOut || performance.now() > deadline)) as unknown as (state: TreeSitter.ParseState) => void;
  try {
    const tree = parser.parse(text, null, { progressCallback });
    if (tree) return { tree, deadline };
    return timedOut ? { timedOut: true } : { error: 'the parser returned no tree' };
  } catch (err) {
    return { error: `the ${grammar} parser failed: ${(err as Error).message}` };
  } finally {
    // A cancelled parse would otherwise resume where it stopped on the next file.
    parser.reset();
  }
}

/** A node of one of the requested types, with its extent (each read is a call into WebAssembly, so read once). */
export interface Capture {
  type: string;
  node: SyntaxNode;
  start: number;
  end: number;
}

/** Node type ids per grammar for a list of type names (a name may have several ids through aliases). */
const typeIds = new WeakMap<TreeSitter.Language, Map<string, Set<number>>>();

function idsOf(language: TreeSitter.Language, types: readonly string[]): Set<number> {
  const key = types.join(' ');
  let byKey = typeIds.get(language);
  if (!byKey) typeIds.set(language, (byKey = new Map()));
  let ids = byKey.get(key);
  if (!ids) {
    const wanted = new Set(types);
    ids = new Set();
    for (let id = 0; id < language.nodeTypeCount; id++) if (language.nodeTypeIsNamed(id) && wanted.has(language.nodeTypeForId(id) ?? '')) ids.add(id);
    byKey.set(key, ids);
  }
  return ids;
}

/** How many nodes are stepped over between looks at the clock. */
const CLOCK_EVERY = 4096;

/**
 * Every node of the given types, in document order (a parent before the nodes it contains). A
 * tree cursor steps through the tree inside WebAssembly, so only the nodes asked for become
 * JavaScript objects: a walk over Node objects spends most of its time collecting the rest, and
 * a tree-sitter query turns quadratic on wide error nodes. Undefined when the deadline passes.
 */
export function captureNodes(root: SyntaxNode, types: readonly string[], deadline: number): Capture[] | undefined {
  const ids = idsOf(root.tree.language, types);
  const captures: Capture[] = [];
  const cursor = root.walk();
  try {
    for (let steps = 1; ; steps++) {
      if (steps % CLOCK_EVERY === 0 && performance.now() > deadline) return undefined;
      const id = cursor.nodeTypeId;
      if (ids.has(id)) captures.push({ type: root.tree.language.nodeTypeForId(id)!, node: cursor.currentNode, start: cursor.startIndex, end: cursor.endIndex });
      if (cursor.gotoFirstChild()) continue;
      while (!cursor.gotoNextSibling()) {
        if (!cursor.gotoParent()) return captures;
      }
    }
  } finally {
    cursor.delete();
  }
}
