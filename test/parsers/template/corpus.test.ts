import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { analyseTemplateText } from '../../../src/parsers/template/analyse.js';
import { TEMPLATE_CODES as C } from '../../../src/parsers/template/codes.js';

const publicDir = fileURLToPath(new URL('../../fixtures/benign/template/public/', import.meta.url));
const savedDir = fileURLToPath(new URL('../../fixtures/benign/template/', import.meta.url));
const corpus = readdirSync(publicDir)
  .filter((f) => f.endsWith('.jinja'))
  .sort()
  .map((f) => ({ name: f, text: readFileSync(publicDir + f, 'utf8') }));
const saved = ['hf-jinja/chat_template.jinja', 'hf-multi/chat_template.jinja', 'hf-multi/additional_chat_templates/tool_use.jinja'].map((f) => ({ name: f, text: readFileSync(savedDir + f, 'utf8') }));

describe('benign chat templates (real public templates and ones transformers saved)', () => {
  it('the corpus covers the families a chat-template linter meets', () => {
    expect(corpus.length).to.be.at.least(20);
    const all = corpus.map((c) => c.text).join('\n');
    // namespace(), raise_exception, strftime_now, loop.index, tojson, macros: the constructs real templates lean on.
    for (const construct of ['namespace(', 'raise_exception(', 'strftime_now(', 'loop.index', 'tojson', '{%- macro', '|items', 'selectattr(']) expect(all, construct).to.contain(construct);
    expect(saved[0].text).to.contain('{% generation %}');
  });

  for (const { name, text } of [...corpus, ...saved]) {
    it(`${name}: parses and gives nothing`, () => {
      const started = Date.now();
      expect(analyseTemplateText(text)).to.deep.equal([]);
      expect(Date.now() - started).to.be.lessThan(2000);
    });
  }

  it('a payload added to any real template is still found (detection does not depend on toy templates)', () => {
    for (const { name, text } of corpus) {
      const found = analyseTemplateText(`${text}{{ messages|attr('__cla' ~ 'ss__') }}`);
      expect(found.map((a) => a.code), name).to.deep.equal([C.dunderAttribute]);
      const unknown = analyseTemplateText(`{% set u = (()|select|string)[24] %}${text}{{ messages|attr(u ~ u ~ 'class' ~ u ~ u) }}`);
      expect(unknown.map((a) => a.code), name).to.deep.equal([C.assembledAttribute]);
    }
  });
});
