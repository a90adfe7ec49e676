import { leavesModel } from '../../parsers/tensorflow/paths.js';
import type { SavedModelArtifact, SavedModelOpUse } from '../../parsers/tensorflow/types.js';
import type { FindingInput, Rule } from '../types.js';
import { dangerousOp, type DangerousOp } from './dangerous-ops.js';

const SHOWN = 4;
const quote = (s: string): string => `'${s}'`;

/** The strings of a use that make it reportable under its op's check, or undefined when it is not. */
function trigger(entry: DangerousOp, use: SavedModelOpUse): string[] | undefined {
  const check = entry.check;
  switch (check.when) {
    case 'always':
      return [...use.attrs.flatMap((a) => a.values), ...use.inputs.flatMap((i) => (i.kind === 'const' ? i.values : []))];
    case 'attr': {
      const values = use.attrs.find((a) => a.name === check.attr)?.values ?? [];
      const hits = values.filter(
        (v) =>
          (!check.prefixes || check.prefixes.some((p) => v.startsWith(p))) &&
          !(check.unless ?? []).includes(v) &&
          !(check.unlessPrefixes ?? []).some((p) => v.startsWith(p)),
      );
      return hits.length > 0 ? hits : undefined;
    }
    case 'path-input': {
      const hits = check.inputs.flatMap((i) => {
        const input = use.inputs[i];
        return input?.kind === 'const' ? input.values.filter(leavesModel) : [];
      });
      return hits.length > 0 ? hits : undefined;
    }
  }
}

/** A path-input use whose path is not a constant (computed, or a function argument fed at load time). */
const unresolvedPath = (entry: DangerousOp, use: SavedModelOpUse): boolean =>
  entry.check.when === 'path-input' && entry.check.inputs.some((i) => use.inputs[i] !== undefined && use.inputs[i].kind !== 'const');

function describe(op: string, count: number, entry: DangerousOp, uses: SavedModelOpUse[], values: string[]): FindingInput {
  const scopes = [...new Set(uses.map((u) => u.scope))];
  const where = `${scopes.slice(0, 2).join(', ')}${scopes.length > 2 ? ` and ${scopes.length - 2} more` : ''}`;
  const distinct = [...new Set(values)];
  const named = distinct.length > 0 ? `; it names ${distinct.slice(0, SHOWN).map(quote).join(', ')}${distinct.length > SHOWN ? ', …' : ''}` : '';
  return {
    message: `the model's graph runs ${op} in ${where}, which ${entry.does}${named}`,
    severity: entry.severity,
    evidence: { op, nodes: count, scopes: scopes.slice(0, 10), nodeNames: uses.slice(0, 10).map((u) => u.node), values: distinct.slice(0, 20), source: entry.source },
  };
}

const rule: Rule = {
  meta: {
    id: 'tensorflow/dangerous-op',
    description: 'The SavedModel runs ops that call Python, touch the file system or the network.',
    severity: 'critical',
    category: 'tensorflow',
    appliesTo: ['tf-savedmodel'],
    docs: {
      description:
        "A SavedModel is a program: its graph and functions run when the model is loaded (table initializers) and called (signatures). Most ops compute on tensors, but some reach outside: PyFunc/EagerPyFunc call back into Python (critical); ReadFile, ImmutableConst, file-reading datasets and readers, MatchingFiles, WriteFile, summary writers, PrintV2 to a file, Debug ops with debug_urls, RPC and tf.data service ops touch files or the network (high). The savers' own ops (SaveV2, RestoreV2, MergeV2Checkpoints, ShardedFilename) and vocabulary initializers are only reported when a constant path points outside the model, or, for vocabulary files, when the SavedModel ships no assets (medium). The table with a reason and source per op is src/rules/tensorflow/dangerous-ops.ts (TensorAbuse, ModelAudit, the TensorFlow op registry).",
      example: "tf.saved_model.save of a tf.function calling tf.io.read_file('/etc/passwd') → a ReadFile node fed by a Const '/etc/passwd'",
      fix: 'Do not serve the model until you know why it needs the op; re-export it from source without the op, or run it in a sandbox without file-system and network access.',
      url: 'https://github.com/ZJU-SEC/TensorAbuse',
    },
  },
  *check({ artifact }) {
    const sm = (artifact as SavedModelArtifact).savedModel;
    const counts = new Map(sm.ops.map((o) => [o.op, o.count]));
    for (const { op, uses } of sm.opUses) {
      const entry = dangerousOp(op);
      if (!entry) continue;
      const flagged: SavedModelOpUse[] = [];
      const values: string[] = [];
      for (const use of uses) {
        const hit = trigger(entry, use);
        if (!hit) continue;
        flagged.push(use);
        values.push(...hit);
      }
      if (flagged.length > 0) {
        yield describe(op, entry.check.when === 'always' ? (counts.get(op) ?? flagged.length) : flagged.length, entry, flagged, values);
        continue;
      }
      if (entry.check.when === 'path-input' && entry.check.unresolved === 'medium-without-assets' && sm.assetFiles.length === 0) {
        const computed = uses.filter((u) => unresolvedPath(entry, u));
        if (computed.length === 0) continue;
        yield {
          message: `the model's graph runs ${op} in ${computed[0].scope}, which ${entry.does}, from a path computed at run time while the SavedModel ships no assets`,
          severity: 'medium',
          evidence: { op, nodes: computed.length, nodeNames: computed.slice(0, 10).map((u) => u.node), source: entry.source },
        };
      }
    }
  },
};
export default rule;
