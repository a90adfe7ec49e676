import { MALFORMED_CODES, TEMPLATE_CODES } from '../../parsers/template/codes.js';
import { templateAnomalyRule } from './anomaly-findings.js';

export default templateAnomalyRule(
  {
    id: 'template/malformed',
    description: 'A tokenizer/processor config or chat template file that transformers itself would refuse (invalid JSON or UTF-8, a chat_template of the wrong shape), or a config too large to read.',
    severity: 'medium',
    category: 'template',
    appliesTo: ['chat-template', 'tokenizer-config'],
    docs: {
      description:
        "transformers reads tokenizer_config.json, processor_config.json and chat_template.json with Python's json module (which also takes NaN and Infinity, as modelvet does) and chat_template.jinja as UTF-8. A file that fails there cannot be loaded, so nothing in it runs: the finding is medium, a sign of corruption or tampering. A config over the JSON size limit is high instead, because transformers would read it and modelvet could not (fail closed).",
      example: 'tokenizer_config.json cut off mid-string; chat_template given as a number; a 200 MB tokenizer_config.json',
      fix: 'Download the file again from a pinned revision and compare its SHA-256 with the publisher\'s.',
    },
  },
  MALFORMED_CODES,
  (a) => (a.code === TEMPLATE_CODES.configTooLarge ? 'high' : undefined),
);
