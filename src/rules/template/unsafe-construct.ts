import { UNSAFE_CONSTRUCT_CODES } from '../../parsers/template/codes.js';
import { templateAnomalyRule } from './anomaly-findings.js';

export default templateAnomalyRule(
  {
    id: 'template/unsafe-construct',
    description: 'The chat template loads other templates, uses Jinja or web globals as objects, or looks up attributes by names computed at render time.',
    severity: 'high',
    category: 'template',
    appliesTo: ['chat-template'],
    docs: {
      description:
        'A chat template formats messages; it has no use for `{% include %}`, `{% import %}`, `{% from … import %}` or `{% extends %}` (they make the renderer load files the scan never saw), for Jinja globals such as `cycler`, `joiner`, `lipsum`, `range`, `dict` or `namespace` used as objects rather than called, for web-framework globals (`config`, `request`, `self`, `url_for`), or for attribute names known only at render time: `|attr` with a computed name, a computed subscript on a global, or a name taken from the special tokens the same config defines. These are the building blocks of sandbox escapes that the static analysis cannot follow to the end, so they are reported rather than trusted. Computed subscripts on data (`message[key]`, `tool[field]`) are normal and not reported.',
      example: "{% include 'helpers.jinja' %}; {{ x|attr(name) }}; {{ lipsum|string }}; {{ x[eos_token] }}",
      fix: 'Use the publisher\'s original template from a pinned revision; a chat template should only read message fields and call namespace(), range() and raise_exception().',
    },
  },
  UNSAFE_CONSTRUCT_CODES,
);
