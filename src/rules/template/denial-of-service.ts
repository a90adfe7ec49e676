import { DOS_CODES } from '../../parsers/template/codes.js';
import { templateAnomalyRule } from './anomaly-findings.js';

export default templateAnomalyRule(
  {
    id: 'template/denial-of-service',
    description: 'Rendering the chat template would loop, repeat or pad far past any real conversation, hanging or exhausting memory.',
    severity: 'medium',
    category: 'template',
    appliesTo: ['chat-template'],
    docs: {
      description:
        "Templates are rendered for every request. Constant bounds such as range(10**9) (Jinja2's sandbox caps range at 100 000, other renderers do not), nested loops whose constant bounds multiply past ten million iterations, a string or list repeated past ten million items, an integer power past a million bits, or padding (center, ljust, indent…) to millions of characters turn each request into a denial of service.",
      example: "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}; {{ 'x' * 10**9 }}",
      fix: "Use the publisher's original template; chat templates iterate over messages and tools, never over constant ranges of this size.",
    },
  },
  DOS_CODES,
);
