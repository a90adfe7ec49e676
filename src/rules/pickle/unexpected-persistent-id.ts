import type { Rule } from '../types.js';
import { pickleOf } from './globals.js';

/** Containers whose loader brings its own persistent_load, and the id types it accepts. */
const TORCH_FORMATS = new Set(['pytorch-zip', 'torchscript', 'pytorch-legacy', 'pytorch-legacy-tar']);

const rule: Rule = {
  meta: {
    id: 'pickle/unexpected-persistent-id',
    description: "The pickle hands a persistent id to the loader's persistent_load that the loader is not known to handle safely.",
    severity: 'high',
    category: 'pickle',
    appliesTo: ['pickle', 'pytorch-legacy'],
    docs: {
      description:
        "PERSID/BINPERSID pass an id to a function the loader supplies. torch.load's handles ('storage', …) ids by rebuilding tensor storage; the legacy loader also returns pid[1] for ('module', …) ids, which hands a callable back to the pickle. Anywhere else, what the id turns into depends on code modelvet cannot see (plain pickle.load refuses it).",
      example: "BINPERSID ('modelvet', 'fixture') in a plain .pkl",
      fix: 'Do not load the file unless you know the loader and its persistent_load.',
    },
  },
  *check({ artifact, ancestors }) {
    const analysis = pickleOf(artifact);
    if (!analysis) return;
    const inTorch = [...ancestors, artifact].some((a) => TORCH_FORMATS.has(a.format));
    // One finding per id type: a checkpoint with a thousand tensors has a thousand ids of one type.
    const byType = new Map<string | undefined, { first: (typeof analysis.calls)[number]; count: number }>();
    for (const call of analysis.calls) {
      if (call.via !== 'PERSID' && call.via !== 'BINPERSID') continue;
      if (inTorch && call.persistentType === 'storage') continue;
      const seen = byType.get(call.persistentType);
      if (seen) seen.count++;
      else byType.set(call.persistentType, { first: call, count: 1 });
    }
    for (const [type, { first, count }] of byType) {
      const kind = type === undefined ? 'a computed persistent id' : `persistent id type '${type}'`;
      const where = inTorch ? "torch's persistent_load does not rebuild storage from it" : 'outside a torch checkpoint, no known loader handles it';
      const times = count > 1 ? ` (${count} times)` : '';
      yield {
        message: `loading hands ${kind} to persistent_load${times}; ${where}`,
        location: { offset: first.offset },
        evidence: { via: first.via, persistentType: type ?? null, count, args: first.argsPreview },
      };
    }
  },
};
export default rule;
