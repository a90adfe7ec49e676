import { UNPARSED_CODES } from '../../parsers/template/codes.js';
import { templateAnomalyRule } from './anomaly-findings.js';

export default templateAnomalyRule(
  {
    id: 'template/unparsed',
    description: 'The chat template could not be parsed, or is over a size or nesting limit, so it was not (fully) checked.',
    severity: 'high',
    category: 'template',
    appliesTo: ['chat-template'],
    docs: {
      description:
        'modelvet parses chat templates with @huggingface/jinja. A template it rejects (a syntax error, or Jinja2 syntax that parser lacks, such as `{% raw %}`) or one over the analysis limits (1 MiB of text, 64 levels of nesting, 400 levels of expression depth) is reported instead of passed: Jinja2 in transformers or llama.cpp may still render it, so what cannot be checked is treated as unsafe (fail closed). When the tokens of such a template still name a dunder, template/sandbox-escape reports that too.',
      example: 'a chat_template with an unterminated {% for %}, or 200 000 nested parentheses',
      fix: "Compare the template with the publisher's original; a well-formed chat template parses in a few milliseconds.",
    },
  },
  UNPARSED_CODES,
);
