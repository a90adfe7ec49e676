import { expect } from 'chai';
import { chatTemplateArtifact } from '../../src/parsers/template/analyse.js';
import { templateConfigFromText } from '../../src/parsers/template/config.js';
import { RuleTester } from '../../src/rules/rule-tester.js';
import { RULES } from '../../src/rules/template/index.js';
import customCode from '../../src/rules/template/custom-code.js';
import denialOfService from '../../src/rules/template/denial-of-service.js';
import malformed from '../../src/rules/template/malformed.js';
import sandboxEscape from '../../src/rules/template/sandbox-escape.js';
import unparsed from '../../src/rules/template/unparsed.js';
import unsafeConstruct from '../../src/rules/template/unsafe-construct.js';

const tester = new RuleTester();
const template = (text: string, path = 'tokenizer_config.json!chat_template') => chatTemplateArtifact(text, path, 'tokenizer-config');
const config = (json: unknown) => templateConfigFromText(JSON.stringify(json), 'tokenizer_config.json', 'tokenizer_config.json');
const BENIGN = "{% set ns = namespace(found=false) %}{% for m in messages %}{{ '<|im_start|>' + m['role'] + '\\n' + m['content'] | trim + '<|im_end|>' }}{% endfor %}";

describe('template rules', () => {
  it('are listed with docs, and ids match their family', () => {
    expect(RULES.map((r) => r.meta.id)).to.deep.equal(['template/sandbox-escape', 'template/unsafe-construct', 'template/unparsed', 'template/denial-of-service', 'template/malformed', 'template/custom-code']);
    for (const r of RULES) {
      expect(r.meta.category).to.equal('template');
      for (const field of ['description', 'example', 'fix'] as const) expect(r.meta.docs[field], `${r.meta.id} ${field}`).to.be.a('string').and.not.equal('');
    }
  });
});

tester.run('template/sandbox-escape', sandboxEscape, {
  valid: [
    { name: 'a real-looking ChatML template', artifact: template(BENIGN) },
    { name: 'loading statements are the other rule', artifact: template("{% include 'x' %}") },
  ],
  invalid: [
    {
      name: 'cycler globals, with the expression and the line',
      artifact: template("hello\n{{ cycler.__init__.__globals__.os.popen('echo modelvet').read() }}"),
      findings: [
        {
          severity: 'critical',
          path: 'tokenizer_config.json!chat_template',
          message: /reaches `__init__`, `__globals__` through `cycler\.__init__\.__globals__\.os\.popen\('echo modelvet'\)\.read\(\)`/,
          evidence: { code: 'template/dunder-attribute', names: ['__init__', '__globals__'], line: 2, column: 11 },
        },
      ],
    },
    {
      name: 'a name assembled by concatenation',
      artifact: template("{{ messages|attr('__cla' ~ 'ss__') }}"),
      findings: [{ severity: 'critical', message: /reaches `__class__` through `messages\|attr\('__cla' ~ 'ss__'\)`/, evidence: { code: 'template/dunder-attribute', via: ['|attr'] } }],
    },
    {
      name: 'a name assembled from an object repr',
      artifact: template("{% set u = (()|select|string)[24] %}{{ messages|attr(u ~ u ~ 'class' ~ u ~ u) }}"),
      findings: [{ severity: 'critical', message: /assembles at render time from 'class' and underscores taken from an object repr/, evidence: { code: 'template/assembled-attribute' } }],
    },
    {
      name: 'a str.format field',
      artifact: template("{{ '{0.__class__}'.format(messages) }}"),
      findings: [{ severity: 'critical', message: /format string '\{0\.__class__\}' reaches `__class__`/ }],
    },
    {
      name: 'tokens of an unparsable template naming gadgets',
      artifact: template('{% raw %}{{ x.__globals__ }}{% endraw %}'),
      findings: [{ severity: 'critical', evidence: { code: 'template/gadget-token', names: ['__globals__'] } }],
    },
  ],
});

tester.run('template/unsafe-construct', unsafeConstruct, {
  valid: [{ name: 'namespace(), range(), loop and data lookups', artifact: template(`${BENIGN}{% for i in range(3) %}{{ messages[loop.index0]['role'] }}{% endfor %}`) }],
  invalid: [
    {
      name: 'include, with its line',
      artifact: template("x\n{% include 'helpers.jinja' %}"),
      findings: [{ severity: 'high', message: "the chat template asks its loader for other templates with `{% include 'helpers.jinja' %}`, which reads files this scan did not see (or fails to render)", evidence: { keyword: 'include', line: 2, column: 1 } }],
    },
    { name: '|attr with a computed name', artifact: template('{{ messages|attr(name) }}'), findings: [{ severity: 'high', message: /through \|attr with a name only known at render time/ }] },
    { name: 'a global used as an object', artifact: template('{{ lipsum|string }}'), findings: [{ severity: 'high', message: /uses the Jinja global `lipsum` as an object/ }] },
    { name: 'a web-framework global', artifact: template('{{ request.args }}'), findings: [{ severity: 'high', message: /refers to `request`/ }] },
  ],
});

tester.run('template/unparsed', unparsed, {
  valid: [{ name: 'a template that parses', artifact: template(BENIGN) }],
  invalid: [
    { name: 'a syntax error', artifact: template('{% for m in messages %}'), findings: [{ severity: 'high', message: /could not be parsed .*so it was not checked/ }] },
    { name: 'over the nesting limit', artifact: template(`{{ ${'['.repeat(100)}${']'.repeat(100)} }}`), findings: [{ severity: 'high', message: /nests 100 levels deep/ }] },
  ],
});

tester.run('template/denial-of-service', denialOfService, {
  valid: [{ name: 'small loops', artifact: template('{% for i in range(100) %}{{ i }}{% endfor %}') }],
  invalid: [{ name: 'range(10**9)', artifact: template('{% for i in range(10**9) %}{% endfor %}'), findings: [{ severity: 'medium', message: /builds a range of 1000000000 items/ }] }],
});

tester.run('template/malformed', malformed, {
  valid: [{ name: 'a well-formed config', artifact: config({ chat_template: BENIGN }) }],
  invalid: [
    { name: 'JSON that does not parse', artifact: templateConfigFromText('{"chat_template": ', 'tokenizer_config.json', 'tokenizer_config.json'), findings: [{ severity: 'medium', message: /is not valid JSON/ }] },
    {
      name: 'over the JSON cap is high',
      artifact: { ...config({}), anomalies: [{ code: 'template/config-too-large', message: 'tokenizer_config.json is 9 bytes, over the 1-byte JSON limit, so its chat templates were not checked' }] },
      findings: [{ severity: 'high' }],
    },
  ],
});

tester.run('template/custom-code', customCode, {
  valid: [
    { name: 'no auto_map', artifact: config({ chat_template: BENIGN }) },
    { name: 'an empty slot only', artifact: config({ auto_map: { AutoTokenizer: [null, null] } }) },
  ],
  invalid: [
    {
      name: 'code in the same repository is medium; another repository is high',
      artifact: config({ auto_map: { AutoTokenizer: ['tokenization_x.XTokenizer', null], AutoProcessor: 'org/helpers--processing.P' } }),
      findings: [
        { severity: 'medium', message: 'loading tokenizer_config.json through AutoTokenizer with trust_remote_code=True imports and runs tokenization_x.XTokenizer from the model repository' },
        { severity: 'high', message: /imports org\/helpers--processing\.P, code fetched from another repository \(org\/helpers\)/, evidence: { repository: 'org/helpers' } },
      ],
    },
  ],
});
