import type { Location } from '../../types.js';
import { locateKeys, pathKey } from '../json-locate.js';
import type { ConfigTree, ScalarValue } from './tree.js';

/** A value of the parsed JSON and the chain of keys that leads to it (a linked list: no copying per node). */
export interface JsonNode {
  value: unknown;
  parent?: JsonNode;
  key?: string | number;
}

const TEXT_LIMIT = 120;

function segmentsOf(node: JsonNode): Array<string | number> {
  const out: Array<string | number> = [];
  for (let n: JsonNode | undefined = node; n?.key !== undefined; n = n.parent) out.push(n.key);
  return out.reverse();
}

/** Configs name models near the top; deeper values keep no position (a hostile nesting costs one pass). */
const MAX_LOCATED_DEPTH = 256;

/** Positions of the values under the keys `wanted` accepts, by path (see locateKeys). */
export const locateJsonValues = (text: string, wanted: (key: string) => boolean): Map<string, Location> => locateKeys(text, wanted, MAX_LOCATED_DEPTH);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** JSON values as the walker sees them; `positions` comes from locateJsonValues over the same text. */
export function jsonTree(positions: Map<string, Location>): ConfigTree<JsonNode> {
  return {
    kind: ({ value }) => (Array.isArray(value) ? 'seq' : isObject(value) ? 'map' : 'scalar'),
    entries: (node) => {
      const out = new Map<string, JsonNode>();
      // JSON.parse made every key an own property, `__proto__` included; nothing is assigned onto a prototype.
      if (isObject(node.value)) for (const key of Object.keys(node.value)) out.set(key, { value: node.value[key], parent: node, key });
      return out;
    },
    items: (node) => (Array.isArray(node.value) ? node.value.map((value, key) => ({ value, parent: node, key })) : []),
    scalar: ({ value }): ScalarValue => (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? value : null),
    text: ({ value }) => {
      const written = JSON.stringify(value) ?? String(value);
      return written.length > TEXT_LIMIT ? `${written.slice(0, TEXT_LIMIT)}…` : written;
    },
    location: (node) => positions.get(pathKey(segmentsOf(node))),
  };
}
