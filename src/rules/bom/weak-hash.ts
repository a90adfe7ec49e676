import { algorithmsOf, WEAK_ALGORITHMS } from '../../parsers/bom/hashes.js';
import type { Rule } from '../types.js';
import { at, bomOf, subjectText } from './components.js';

const rule: Rule = {
  meta: {
    id: 'bom/weak-hash',
    description: 'A model or file component of a BOM is hashed only with MD5 or SHA-1 (or another broken algorithm).',
    severity: 'low',
    category: 'bom',
    appliesTo: ['ai-bom'],
    docs: {
      description:
        'Collisions for MD5 and SHA-1 can be computed: whoever made a model file can make a second, different file with the same hash, publish the first and swap in the second later, and a BOM that records only such a hash cannot tell them apart. (MD2, MD4 and ADLER32 count as weak too.) A component that also has a SHA-256 or another strong hash is fine.',
      example: '{"type": "file", "name": "model.safetensors", "hashes": [{"alg": "SHA-1", "content": "…"}]}',
      fix: 'Record the SHA-256 of the file (modelvet bom does); keep the old hash beside it if consumers still need it.',
    },
  },
  *check({ artifact }) {
    const bom = bomOf(artifact);
    if (!bom) return;
    for (const c of bom.components) {
      if (c.kind !== 'model' && c.kind !== 'file') continue;
      const algorithms = algorithmsOf(c.hashes);
      if (algorithms.length === 0 || !algorithms.every((a) => WEAK_ALGORITHMS.has(a))) continue;
      yield {
        message: `${subjectText(c)} is hashed only with ${algorithms.join(' and ')}, for which collisions can be made: a swapped file with the same hash would pass`,
        ...at(c, { algorithms }),
      };
    }
  },
};
export default rule;
