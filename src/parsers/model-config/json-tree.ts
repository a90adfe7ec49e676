import type { Location } from '../../types.js';
import type { ConfigTree, ScalarValue } from './tree.js';

/** A value of the parsed JSON and the chain of keys that leads to it (a linked list: no copying per node). */
export interface JsonNode {
  value: unknown;
  parent?: JsonNode;
  key?: string | number;
}

const TEXT_LIMIT = 120;

const pathKey = (segments: ReadonlyArray<string | number>): string => JSON.stringify(segments);

function segmentsOf(node: JsonNode): Array<string | number> {
  const out: Array<string | number> = [];
  for (let n: JsonNode | undefined = node; n?.key !== undefined; n = n.parent) out.push(n.key);
  return out.reverse();
}

/**
 * Positions of the values under the keys `wanted` accepts, by path. The text already passed
 * JSON.parse, so this scan only follows structure; a key given twice keeps its last position, as
 * JSON.parse keeps its last value. Iterative: nesting depth costs no stack.
 */
export function locateJsonValues(text: string, wanted: (key: string) => boolean): Map<string, Location> {
  const found = new Map<string, Location>();
  const frames: Array<{ object: boolean; key: string | number; expectKey: boolean; awaitingValue: boolean }> = [];
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a) {
      line++;
      lineStart = i + 1;
      continue;
    }
    if (c === 0x20 || c === 0x09 || c === 0x0d) continue;
    const top = frames[frames.length - 1];
    const isKey = c === 0x22 && top?.object === true && top.expectKey;
    if (top?.awaitingValue && !isKey) {
      // The first character of an object member's value.
      top.awaitingValue = false;
      if (wanted(top.key as string)) found.set(pathKey(frames.map((f) => f.key)), { line, column: i - lineStart + 1 });
    }
    switch (c) {
      case 0x7b: // {
        frames.push({ object: true, key: '', expectKey: true, awaitingValue: false });
        break;
      case 0x5b: // [
        frames.push({ object: false, key: 0, expectKey: false, awaitingValue: false });
        break;
      case 0x7d: // }
      case 0x5d: // ]
        frames.pop();
        break;
      case 0x2c: // ,
        if (top?.object) top.expectKey = true;
        else if (top) top.key = (top.key as number) + 1;
        break;
      case 0x3a: // :
        if (top) {
          top.expectKey = false;
          top.awaitingValue = true;
        }
        break;
      case 0x22: {
        // A string: skip to its closing quote, stepping over escapes.
        const start = i;
        for (i++; i < text.length && text.charCodeAt(i) !== 0x22; i++) if (text.charCodeAt(i) === 0x5c) i++;
        if (isKey) top.key = JSON.parse(text.slice(start, i + 1)) as string;
        break;
      }
      default:
        break;
    }
  }
  return found;
}

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
