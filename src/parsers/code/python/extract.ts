import { isInterestingCallee } from '../call-table.js';
import { field, locationOf } from '../syntax.js';
import type { SyntaxNode } from '../tree-sitter.js';
import type { CodeCall, CodeValue } from '../types.js';
import { shownText } from '../values.js';
import { mentionsTrustRemoteCode, readArguments } from './arguments.js';
import { calleeName } from './resolve.js';
import { walkPython } from './walk.js';

export interface PythonExtraction {
  calls: CodeCall[];
  imports: string[];
}

/**
 * The calls the tables name (and any passing `trust_remote_code`), with callees resolved through
 * imports and values folded. Undefined when the time budget runs out.
 */
export function extractPython(root: SyntaxNode, deadline: number): PythonExtraction | undefined {
  const walk = walkPython(root, deadline);
  if (!walk) return undefined;
  const calls: CodeCall[] = [];
  const cache = new Map<number, CodeValue>();
  for (const { node, scope } of walk.calls) {
    const fn = field(node, 'function');
    if (!fn) continue;
    const at = node.startIndex;
    const callee = calleeName(fn, scope, at);
    const argumentList = field(node, 'arguments');
    const byCallee = isInterestingCallee(callee);
    if (!byCallee && !mentionsTrustRemoteCode(argumentList)) continue;
    const args = readArguments(argumentList, { scope, at, depth: 0, cache });
    if (!byCallee && !args.kwargs.has('trust_remote_code')) continue;
    calls.push({ callee, written: shownText(fn.text), ...args, location: locationOf(node) });
  }
  return { calls, imports: walk.imports };
}
