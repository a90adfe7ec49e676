import type { Anomaly, Location, ModelRef } from '../../types.js';
import { anomaly } from '../anomaly.js';
import { MODEL_CONFIG_CODES } from './codes.js';
import { REPO_TYPE_KEY, repoTypeOfKey, revisionKeysFor, TRUST_REMOTE_CODE_KEY } from './keys.js';
import { reposInValue } from './repo-id.js';
import type { ConfigLimits } from './limits.js';
import type { RemoteCodeFlag } from './types.js';

export type ScalarValue = string | number | boolean | null;

/**
 * A parsed document seen the way the walker needs it, so YAML (with anchors, aliases and merge
 * keys) and JSON (with positions from a separate scan) share one walk.
 */
export interface ConfigTree<N> {
  kind(node: N): 'map' | 'seq' | 'scalar';
  /** A mapping's entries by key; a key given twice keeps its last value, as a Python dict does. */
  entries(node: N): Map<string, N>;
  items(node: N): N[];
  scalar(node: N): ScalarValue;
  /** The node's text as written, shortened: what a revision that is not a plain string says. */
  text(node: N): string;
  location(node: N): Location | undefined;
  /** A limit the tree itself hit while answering (YAML merge expansion), reported once after the walk. */
  limitReached?(): Anomaly | undefined;
}

export interface WalkResult {
  refs: ModelRef[];
  remoteCode: RemoteCodeFlag[];
  anomalies: Anomaly[];
}

/** Interpolations (`${oc.env:REV}`, `{{ rev }}`, `{% … %}`) are filled in by a tool before anything loads. */
const INTERPOLATION = /\$\{|\{\{|\{%/;

/** What a revision node says: a plain string is a literal, null is none, anything else is not known statically. */
function revisionOf<N>(tree: ConfigTree<N>, node: N | undefined): ModelRef['revision'] {
  if (node === undefined || tree.kind(node) !== 'scalar') return node === undefined ? { kind: 'absent' } : { kind: 'unknown', text: tree.text(node) };
  const value = tree.scalar(node);
  if (value === null) return { kind: 'absent' };
  if (typeof value === 'string') return INTERPOLATION.test(value) ? { kind: 'unknown', text: value } : { kind: 'literal', value };
  // A number or boolean is not a revision a loader accepts; keep what was written.
  return { kind: 'literal', value: tree.text(node) };
}

const TRUE_STRINGS = new Set(['true', 'yes', 'on', 'y', 't', '1']);

/** pydantic and argparse-style loaders coerce these to True; PyYAML already made `yes`/`on` booleans. */
function remoteCodeValue<N>(tree: ConfigTree<N>, node: N): RemoteCodeFlag['value'] | undefined {
  if (tree.kind(node) !== 'scalar') return undefined;
  const value = tree.scalar(node);
  if (value === true || value === 1) return 'true';
  if (typeof value === 'string') {
    if (INTERPOLATION.test(value)) return 'unknown';
    if (TRUE_STRINGS.has(value.trim().toLowerCase())) return 'true';
  }
  return undefined;
}

const bySource = (a: { location?: Location }, b: { location?: Location }): number =>
  (a.location?.line ?? Infinity) - (b.location?.line ?? Infinity) || (a.location?.column ?? 0) - (b.location?.column ?? 0);

const joinKey = (path: string, key: string): string => (path === '' ? key : `${path}.${key}`);

interface Frame<N> {
  node: N;
  path: string;
  /** The key of the mapping entry or list this node sits under. */
  parentKey: string | undefined;
  depth: number;
}

/**
 * Walks every document for keys that name a repository to download, and their revisions. The
 * walk is iterative, depth-capped and node-budgeted: alias expansion cannot make it run away.
 */
export function walkConfig<N>(tree: ConfigTree<N>, roots: readonly N[], limits: ConfigLimits): WalkResult {
  const result: WalkResult = { refs: [], remoteCode: [], anomalies: [] };
  let visited = 0;
  let tooDeep = false;
  const stack: Frame<N>[] = roots.map((node, i) => ({ node, path: roots.length > 1 ? `[doc ${i + 1}]` : '', parentKey: undefined, depth: 0 })).reverse();
  while (stack.length > 0) {
    const frame = stack.pop()!;
    if (++visited > limits.maxNodes) {
      result.anomalies.push(anomaly(MODEL_CONFIG_CODES.limit, `the config has more than ${limits.maxNodes} nodes (after expanding aliases); the rest was not read`, undefined, { what: 'nodes', limit: limits.maxNodes }));
      break;
    }
    const kind = tree.kind(frame.node);
    if (kind === 'scalar') continue;
    if (frame.depth >= limits.maxDepth) {
      tooDeep = true;
      continue;
    }
    const children: Frame<N>[] = [];
    if (kind === 'seq') {
      tree.items(frame.node).forEach((item, i) => children.push({ node: item, path: `${frame.path}[${i}]`, parentKey: frame.parentKey, depth: frame.depth + 1 }));
    } else {
      const entries = tree.entries(frame.node);
      for (const [key, value] of entries) {
        collectRefs(tree, entries, key, value, frame, result);
        if (key === TRUST_REMOTE_CODE_KEY) {
          const flag = remoteCodeValue(tree, value);
          const location = tree.location(value);
          if (flag) result.remoteCode.push({ keyPath: joinKey(frame.path, key), value: flag, ...(location ? { location } : {}) });
        }
        children.push({ node: value, path: joinKey(frame.path, key), parentKey: key, depth: frame.depth + 1 });
      }
    }
    // Reversed onto the stack, so documents are walked in source order.
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
  }
  // Mapping entries are read before the mappings nested in them: put references back in source order.
  result.refs.sort(bySource);
  result.remoteCode.sort(bySource);
  const treeLimit = tree.limitReached?.();
  if (treeLimit) result.anomalies.push(treeLimit);
  if (tooDeep) result.anomalies.push(anomaly(MODEL_CONFIG_CODES.limit, `the config nests deeper than ${limits.maxDepth} levels; deeper parts were not read`, undefined, { what: 'depth', limit: limits.maxDepth }));
  return result;
}

function collectRefs<N>(tree: ConfigTree<N>, entries: Map<string, N>, key: string, value: N, frame: Frame<N>, result: WalkResult): void {
  let repoType = repoTypeOfKey(key, frame.parentKey);
  if (!repoType || tree.kind(value) !== 'scalar') return;
  const written = tree.scalar(value);
  if (typeof written !== 'string') return;
  if (key === 'repo_id') {
    const typeNode = entries.get(REPO_TYPE_KEY);
    const type = typeNode !== undefined && tree.kind(typeNode) === 'scalar' ? tree.scalar(typeNode) : undefined;
    if (type === 'dataset' || type === 'space') repoType = type;
  }
  const revisionKey = revisionKeysFor(key).find((k) => entries.has(k));
  const sibling = revisionOf(tree, revisionKey === undefined ? undefined : entries.get(revisionKey));
  const location = tree.location(value);
  for (const found of reposInValue(written)) {
    result.refs.push({
      repo: found.repo,
      repoType,
      revision: found.revision !== undefined ? { kind: 'literal', value: found.revision } : sibling,
      use: 'download',
      via: joinKey(frame.path, key),
      ...(location ? { location } : {}),
    });
  }
}
