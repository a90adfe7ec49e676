import { isAlias, isMap, isScalar, isSeq, LineCounter, parseAllDocuments, visit, type Alias, type Document, type Node } from 'yaml';
import type { Location } from '../../types.js';
import { anomaly } from '../anomaly.js';
import { MODEL_CONFIG_CODES } from './codes.js';
import type { ConfigLimits } from './limits.js';
import type { ConfigTree, ScalarValue } from './tree.js';

/** A node as the walker sees it: aliases already followed, with the place it was written for locations. */
export interface YamlNode {
  node: Node;
  /** Where this occurrence is written: the alias, for a node reached through one. */
  site: Node;
}

export interface ParsedYaml {
  /** Each document's top node. */
  roots: YamlNode[];
  tree: ConfigTree<YamlNode>;
  documents: number;
  /** The first problem the parser reported, with its line; undefined for a clean stream. */
  error?: string;
  /** The parser ran out of stack (nesting deep enough to exhaust it): a limit, not a syntax error. */
  exhausted?: boolean;
}

const TEXT_LIMIT = 120;

/**
 * YAML as PyYAML reads it (YAML 1.1: `yes`/`on` are booleans, `<<` merges mappings; a key given
 * twice keeps its last value), every document of the stream. Nothing is converted with toJS: the
 * walk follows aliases itself under a node budget, so an alias bomb costs nothing here.
 */
export function parseYaml(text: string, limits: ConfigLimits): ParsedYaml {
  const lineCounter = new LineCounter();
  const parsed = parseAllDocuments(text, { lineCounter, version: '1.1', uniqueKeys: false, prettyErrors: false });
  const documents: Document.Parsed[] = Array.isArray(parsed) ? parsed : [];
  const first = documents.flatMap((d) => d.errors)[0];
  const where = first ? lineCounter.linePos(first.pos[0]) : undefined;
  const error = first && where ? `${first.message.split('\n', 1)[0]!.replace(/ at line \d+, column \d+:?$/, '')} at line ${where.line}` : undefined;
  const aliases = resolveAliases(documents);
  const tree = yamlTree(text, lineCounter, aliases, limits);
  const roots = documents.flatMap((d) => (d.contents ? [follow(d.contents, aliases)] : [])).filter((n): n is YamlNode => n !== undefined);
  const exhausted = first !== undefined && /call stack/i.test(first.message);
  return { roots, tree, documents: documents.length, ...(error !== undefined ? { error } : {}), ...(exhausted ? { exhausted } : {}) };
}

/** An alias means the last node anchored with its name before it; one pass in document order finds them all. */
function resolveAliases(documents: readonly Document.Parsed[]): Map<Alias, Node> {
  const resolved = new Map<Alias, Node>();
  for (const doc of documents) {
    const anchors = new Map<string, Node>();
    visit(doc, {
      Node(_key, node) {
        if (isAlias(node)) {
          const target = anchors.get(node.source);
          if (target) resolved.set(node, target);
        } else if (node.anchor) anchors.set(node.anchor, node);
      },
    });
  }
  return resolved;
}

function follow(node: unknown, aliases: Map<Alias, Node>): YamlNode | undefined {
  if (isAlias(node)) {
    const target = aliases.get(node);
    return target ? { node: target, site: node } : undefined;
  }
  return isScalar(node) || isMap(node) || isSeq(node) ? { node, site: node } : undefined;
}

const MERGE = '<<';

function keyOf(node: unknown, aliases: Map<Alias, Node>): string | typeof MERGE | undefined {
  const key = follow(node, aliases)?.node;
  if (!isScalar(key)) return undefined;
  if (typeof key.value === 'symbol') return MERGE;
  if (key.value === null || key.value === undefined) return 'null';
  return typeof key.value === 'string' ? key.value : String(key.value);
}

function yamlTree(text: string, lineCounter: LineCounter, aliases: Map<Alias, Node>, limits: ConfigLimits): ConfigTree<YamlNode> {
  /** Maps whose entries are being gathered: a merge that leads back to one of them is a cycle. */
  const gathering = new Set<Node>();
  /** A map's entries are the same wherever it is reached: gathered once. */
  const gathered = new Map<Node, Map<string, YamlNode>>();
  // Merges copy entries from map to map; a chain of them costs quadratic work unless counted.
  let copies = 0;
  let stopped: 'nodes' | 'depth' | undefined;

  function entries(node: Node, depth: number): Map<string, YamlNode> {
    const known = gathered.get(node);
    if (known) return known;
    const out = new Map<string, YamlNode>();
    if (!isMap(node) || gathering.has(node)) return out;
    gathering.add(node);
    try {
      const explicit = new Map<string, YamlNode>();
      const merged: Map<string, YamlNode>[] = [];
      for (const pair of node.items) {
        const key = keyOf(pair.key, aliases);
        const value = follow(pair.value, aliases);
        if (key === undefined || value === undefined) continue;
        if (key !== MERGE) explicit.set(key, value);
        else if (depth >= limits.maxDepth) stopped ??= 'depth';
        else {
          // `<<: *a` or `<<: [*a, *b]`; among merged maps the first listed wins.
          const sources = isSeq(value.node) ? value.node.items.map((i) => follow(i, aliases)) : [value];
          for (const source of sources) if (source && isMap(source.node)) merged.push(entries(source.node, depth + 1));
        }
      }
      // Explicit keys override merged ones wherever they appear.
      for (const m of merged.reverse()) {
        copies += m.size;
        if (copies > limits.maxNodes) {
          stopped ??= 'nodes';
          break;
        }
        for (const [k, v] of m) out.set(k, v);
      }
      for (const [k, v] of explicit) out.set(k, v);
      gathered.set(node, out);
      return out;
    } finally {
      gathering.delete(node);
    }
  }

  const position = (node: Node): Location | undefined => {
    const start = node.range?.[0];
    if (start === undefined) return undefined;
    const { line, col } = lineCounter.linePos(start);
    return line > 0 ? { line, column: col } : undefined;
  };

  return {
    kind: ({ node }) => (isMap(node) ? 'map' : isSeq(node) ? 'seq' : 'scalar'),
    entries: ({ node }) => entries(node, 0),
    items: ({ node }) => (isSeq(node) ? node.items.map((i) => follow(i, aliases)).filter((n): n is YamlNode => n !== undefined) : []),
    scalar: ({ node }): ScalarValue => {
      if (!isScalar(node)) return null;
      const v = node.value;
      if (v === null || v === undefined) return null;
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
      // Timestamps, big integers: what was written.
      return node.source ?? String(v);
    },
    text: ({ node }) => {
      const range = node.range;
      const written = range ? text.slice(range[0], range[1]) : '';
      return written.length > TEXT_LIMIT ? `${written.slice(0, TEXT_LIMIT)}…` : written;
    },
    location: ({ site }) => position(site),
    limitReached: () =>
      stopped === undefined
        ? undefined
        : anomaly(MODEL_CONFIG_CODES.limit, stopped === 'depth' ? `merge keys (<<) chain deeper than ${limits.maxDepth} levels; deeper merges were not read` : `merge keys (<<) copy more than ${limits.maxNodes} entries; the rest were not read`, undefined, { what: `merge-${stopped}`, limit: stopped === 'depth' ? limits.maxDepth : limits.maxNodes }),
  };
}
