import { expect } from 'chai';
import fc from 'fast-check';
import { editDistance, findLookalike, foldConfusables, knownPublishers, publisherOf } from '../../src/policy/publishers.js';

describe('Hub publisher look-alikes (src/policy/publishers.ts)', () => {
  const known = knownPublishers();

  it('ships a list of widely used publishers that includes the big model makers', () => {
    for (const p of ['meta-llama', 'mistralai', 'Qwen', 'google', 'microsoft', 'deepseek-ai', 'openai']) expect(known).to.include(p);
    expect(new Set(known.map((p) => p.toLowerCase())).size, 'no duplicates without regard to case').to.equal(known.length);
  });

  it('takes the publisher from org/name and none from a bare legacy name', () => {
    expect(publisherOf('meta-llama/Llama-3.1-8B')).to.equal('meta-llama');
    expect(publisherOf('gpt2')).to.equal(undefined);
  });

  it('folds characters that read alike', () => {
    expect(foldConfusables('Meta_L1ama')).to.equal(foldConfusables('meta-llama'));
    expect(foldConfusables('rnicrosoft')).to.equal(foldConfusables('microsoft'));
    expect(foldConfusables('vvan-ai')).to.equal(foldConfusables('wan-ai'));
    expect(foldConfusables('g00gle')).to.equal('google');
  });

  it('measures one edit, including a swap of neighbours', () => {
    expect(editDistance('mistralai', 'mistrai')).to.equal(2);
    expect(editDistance('mistralai', 'mistraai')).to.equal(1);
    expect(editDistance('google', 'gogole')).to.equal(1);
    expect(editDistance('abc', 'xyzzzz', 2)).to.equal(3);
  });

  const cases: Array<[string, string, string]> = [
    ['meta-1lama', 'meta-llama', 'confusable'],
    ['meta_llama', 'meta-llama', 'confusable'],
    ['rneta-llama', 'meta-llama', 'confusable'],
    ['facebo0k', 'facebook', 'confusable'],
    ['mistraIai', 'mistralai', 'confusable'],
    ['deepseek_ai', 'deepseek-ai', 'confusable'],
    ['mistrala', 'mistralai', 'one-edit'],
    ['Qwem', 'Qwen', 'one-edit'],
    ['gogole', 'google', 'one-edit'],
    ['nvidiaa', 'nvidia', 'one-edit'],
    ['meta-llama-official', 'meta-llama', 'brand-suffix'],
    ['mistralai-hf', 'mistralai', 'brand-suffix'],
  ];
  for (const [org, publisher, kind] of cases) {
    it(`${org} imitates ${publisher} (${kind})`, () => {
      expect(findLookalike(org, known)).to.deep.equal({ publisher, kind });
    });
  }

  it('does not flag the publishers themselves, in any case, nor two real publishers one edit apart', () => {
    expect(findLookalike('qwen', known)).to.equal(undefined);
    expect(findLookalike('META-LLAMA', known)).to.equal(undefined);
    expect(findLookalike('HuggingFaceM4', known)).to.equal(undefined);
    for (const p of known) expect(findLookalike(p, known), p).to.equal(undefined);
  });

  it('does not flag unrelated names or short names one edit from a short publisher', () => {
    for (const org of ['my-lab', 'tim', 'ibn', 'acme-research', 'someuser', 'sentence-embeddings']) expect(findLookalike(org, known), org).to.equal(undefined);
  });

  it('protects user-trusted publishers too', () => {
    expect(findLookalike('acme-rnl', ['acme-ml'])).to.deep.equal({ publisher: 'acme-ml', kind: 'confusable' });
  });

  it('never throws and never flags a protected name, for any string', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (s) => {
        const hit = findLookalike(s, known);
        if (hit) expect(known.some((p) => p.toLowerCase() === s.toLowerCase())).to.equal(false);
      }),
      { numRuns: 300 },
    );
  });
});
