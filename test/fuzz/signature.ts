/**
 * What makes two failures the same bug: the kind, and for an exception the error's name and the
 * first frame in modelvet's sources (a rule error: the rule). Hangs are told apart by family only
 * (nothing inside the terminated worker says where it was); memory failures and crashes by family
 * and what the dying process reported.
 */
import type { Outcome } from './types.js';

const normalise = (s: string): string => s.replace(/\d+/g, 'N').replace(/\s+/g, ' ').slice(0, 160);

/** `src/parsers/zip/central.ts:120` from a stack line, or undefined when the frame is not modelvet's own. */
export function sourceFrame(stack: string | undefined): string | undefined {
  for (const line of (stack ?? '').split('\n').slice(1)) {
    const m = /(src\/[\w./-]+\.[jt]s):(\d+)/.exec(line);
    if (m) return `${m[1]}:${m[2]}`;
  }
  return undefined;
}

export function signature(family: string, outcome: Extract<Outcome, { ok: false }>): string {
  switch (outcome.kind) {
    case 'exception': {
      const name = /^(\w+):/.exec(outcome.message)?.[1] ?? 'Error';
      return `exception:${name}:${sourceFrame(outcome.stack) ?? normalise(outcome.message)}`;
    }
    case 'rule-error':
      return `rule-error:${/rule (\S+) failed/.exec(outcome.message)?.[1] ?? '?'}:${normalise(outcome.message.split(': ').slice(1).join(': '))}`;
    case 'prototype-pollution':
      return `prototype-pollution:${outcome.message}`;
    case 'memory':
    case 'crash': {
      // V8's fatal reports name where the process died; the heap and ArrayBuffer caps are one each.
      const fatal = /FATAL ERROR: ([^\n]+)/.exec(outcome.message)?.[1];
      const what = fatal ?? (/heap passed/.test(outcome.message) ? 'heap' : /ArrayBuffers/.test(outcome.message) ? 'array-buffers' : normalise(outcome.message.split('\n', 1)[0]!));
      return `${outcome.kind}:${family}:${normalise(what)}`;
    }
    default:
      return `${outcome.kind}:${family}`;
  }
}
