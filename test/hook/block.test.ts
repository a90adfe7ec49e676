import { expect } from 'chai';
import fc from 'fast-check';
import { BEGIN_MARKER, END_MARKER, findBlocks, insertBlock, isEffectivelyEmpty, modelvetBlock, withoutBlocks } from '../../src/hook/block.js';

describe('hook install: block insertion and removal', () => {
  const block = modelvetBlock({ chained: false });

  it('inserting then removing the block gives back any hook text byte for byte', () => {
    const line = fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('#!/bin/sh', '#!/usr/bin/env bash', 'exit 0', 'exec foo "$@"', '', '\r', '# comment'));
    const hookText = fc.tuple(fc.array(line, { maxLength: 12 }), fc.constantFrom('\n', '\r\n'), fc.boolean()).map(([lines, eol, trailing]) => lines.join(eol) + (trailing ? eol : ''));
    fc.assert(
      fc.property(hookText, (text) => {
        fc.pre(!text.includes(BEGIN_MARKER) && !text.includes(END_MARKER));
        // A lone shebang without a line break gains one (and is deleted on uninstall as empty).
        fc.pre(!(text.startsWith('#!') && !text.includes('\n')));
        const installed = insertBlock(text, block);
        const found = findBlocks(installed);
        expect(found.unbalanced).to.equal(false);
        expect(found.spans).to.have.length(1);
        expect(withoutBlocks(installed, found.spans)).to.equal(text);
      }),
      { numRuns: 200 },
    );
  });

  it('findBlocks never throws on arbitrary text, reports only whole blocks, and removing them leaves none', () => {
    const piece = fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom(BEGIN_MARKER, END_MARKER, '\n', '\r\n', `  ${BEGIN_MARKER}  `));
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 20 }), (pieces) => {
        const text = pieces.join('');
        const { spans, unbalanced } = findBlocks(text);
        for (const s of spans) {
          expect(text.slice(s.start, s.end).trimStart().startsWith(BEGIN_MARKER)).to.equal(true);
          expect(text.slice(s.start, s.end).trimEnd().endsWith(END_MARKER)).to.equal(true);
        }
        if (!unbalanced) expect(findBlocks(withoutBlocks(text, spans)).spans).to.have.length(0);
      }),
      { numRuns: 200 },
    );
  });

  it('a hook holding only a shebang and blank lines is empty; any command is not', () => {
    expect(isEffectivelyEmpty('#!/bin/sh\n\n  \n')).to.equal(true);
    expect(isEffectivelyEmpty('')).to.equal(true);
    expect(isEffectivelyEmpty('#!/bin/sh\necho hi\n')).to.equal(false);
    expect(isEffectivelyEmpty('#!/bin/sh\n# a comment the user wrote\n')).to.equal(false);
  });
});
