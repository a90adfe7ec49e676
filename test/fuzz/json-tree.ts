/**
 * Structure-aware JSON mutations: hostile keys (`__proto__`, `constructor`), injected pollution
 * payloads, duplicate keys, extreme numbers, long strings and deep nesting, applied to a parsed
 * document and written back as text (own `__proto__` keys survive, unlike a round trip through
 * objects and JSON.stringify).
 */
type JNode = { t: 'obj'; entries: Array<[string, JNode]> } | { t: 'arr'; items: JNode[] } | { t: 'raw'; text: string };

export const HOSTILE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__', 'length', '', '__metadata__', 'dtype', 'shape', 'data_offsets', 'weight_map', 'chat_template', 'class_name', 'config'] as const;

export const INTERESTING_VALUES = [
  '0', '-1', '1e308', '-1e308', '1e-320', '9007199254740993', '18446744073709551615', '18446744073709551616', '1.5', '""', 'null', 'true', '[]', '{}',
  '"__proto__"', '"constructor"', '"\\u0000"', '"\\ud800"', '"../../../../etc/passwd"', '[-1,-1]', '[0,18446744073709551616]', '[1e308,1e308]',
  '{"__proto__":{"polluted":"modelvet"}}', '{"constructor":{"prototype":{"polluted":"modelvet"}}}', `"${'A'.repeat(65536)}"`, `"${'{{'.repeat(5000)}"`,
] as const;

export const NEST_DEPTHS = [64, 1_000, 10_000, 100_000] as const;

export type JsonOp =
  | { op: 'rename-key'; at: number; key: number }
  | { op: 'inject'; at: number; key: number }
  | { op: 'replace'; at: number; value: number }
  | { op: 'duplicate-key'; at: number; value: number }
  | { op: 'delete'; at: number }
  | { op: 'nest'; at: number; depth: number; object: boolean };

const MAX_NODES = 200_000;
const MAX_DEPTH = 2_000;

function toTree(value: unknown, depth: number, budget: { nodes: number }): JNode {
  budget.nodes--;
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH || budget.nodes < 0) return { t: 'raw', text: JSON.stringify(value) ?? 'null' };
  if (Array.isArray(value)) return { t: 'arr', items: value.map((v) => toTree(v, depth + 1, budget)) };
  return { t: 'obj', entries: Object.keys(value).map((k) => [k, toTree((value as Record<string, unknown>)[k], depth + 1, budget)]) };
}

function write(node: JNode, out: string[]): void {
  if (node.t === 'raw') out.push(node.text);
  else if (node.t === 'arr') {
    out.push('[');
    node.items.forEach((item, i) => {
      if (i > 0) out.push(',');
      write(item, out);
    });
    out.push(']');
  } else {
    out.push('{');
    node.entries.forEach(([k, v], i) => {
      if (i > 0) out.push(',');
      out.push(JSON.stringify(k), ':');
      write(v, out);
    });
    out.push('}');
  }
}

/** Containers in pre-order, with the slot that holds each node so it can be replaced. */
function nodes(root: { value: JNode }): Array<{ get(): JNode; set(n: JNode): void; owner?: JNode; index?: number }> {
  const out: Array<{ get(): JNode; set(n: JNode): void; owner?: JNode; index?: number }> = [];
  const stack: Array<(typeof out)[number]> = [{ get: () => root.value, set: (n) => (root.value = n) }];
  while (stack.length > 0 && out.length < MAX_NODES) {
    const slot = stack.pop()!;
    out.push(slot);
    const n = slot.get();
    if (n.t === 'arr') n.items.forEach((_, i) => stack.push({ get: () => n.items[i]!, set: (m) => (n.items[i] = m), owner: n, index: i }));
    if (n.t === 'obj') n.entries.forEach((e, i) => stack.push({ get: () => e[1], set: (m) => (e[1] = m), owner: n, index: i }));
  }
  return out;
}

const nest = (inner: string, depth: number, object: boolean): string =>
  object ? `${'{"a":'.repeat(depth)}${inner}${'}'.repeat(depth)}` : `${'['.repeat(depth)}${inner}${']'.repeat(depth)}`;

/** Applies one operation to a JSON text; undefined when the text is not JSON (the mutation does nothing then). */
export function mutateJson(text: string, op: JsonOp): string | undefined {
  try {
    return apply(JSON.parse(text), op);
  } catch {
    // not JSON, or nested past what the engine's own JSON.parse/stringify recursion takes
    return undefined;
  }
}

function apply(parsed: unknown, op: JsonOp): string {
  const root = { value: toTree(parsed, 0, { nodes: MAX_NODES }) };
  const all = nodes(root);
  const pick = <T>(list: T[], at: number): T | undefined => (list.length === 0 ? undefined : list[at % list.length]);
  const entries = all.filter((s) => s.owner?.t === 'obj');
  const objects = all.filter((s) => s.get().t === 'obj');
  switch (op.op) {
    case 'rename-key': {
      const s = pick(entries, op.at);
      if (s?.owner?.t === 'obj') s.owner.entries[s.index!]![0] = HOSTILE_KEYS[op.key % HOSTILE_KEYS.length]!;
      break;
    }
    case 'inject': {
      const o = pick(objects, op.at)?.get();
      const key = HOSTILE_KEYS[op.key % HOSTILE_KEYS.length]!;
      const payload = key === 'constructor' ? '{"prototype":{"polluted":"modelvet"}}' : '{"polluted":"modelvet"}';
      if (o?.t === 'obj') o.entries.unshift([key, { t: 'raw', text: payload }]);
      break;
    }
    case 'replace':
      pick(all, op.at)?.set({ t: 'raw', text: INTERESTING_VALUES[op.value % INTERESTING_VALUES.length]! });
      break;
    case 'duplicate-key': {
      const s = pick(entries, op.at);
      if (s?.owner?.t === 'obj') s.owner.entries.splice(s.index! + 1, 0, [s.owner.entries[s.index!]![0], { t: 'raw', text: INTERESTING_VALUES[op.value % INTERESTING_VALUES.length]! }]);
      break;
    }
    case 'delete': {
      const s = pick(all.slice(1), op.at);
      if (s?.owner?.t === 'obj') s.owner.entries.splice(s.index!, 1);
      if (s?.owner?.t === 'arr') s.owner.items.splice(s.index!, 1);
      break;
    }
    case 'nest': {
      const s = pick(all, op.at);
      if (s) {
        const inner: string[] = [];
        write(s.get(), inner);
        s.set({ t: 'raw', text: nest(inner.join(''), NEST_DEPTHS[op.depth % NEST_DEPTHS.length]!, op.object) });
      }
      break;
    }
  }
  const out: string[] = [];
  write(root.value, out);
  return out.join('');
}
