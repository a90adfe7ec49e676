import { SANDBOX_ESCAPE_CODES } from '../../parsers/template/codes.js';
import { templateAnomalyRule } from './anomaly-findings.js';

export default templateAnomalyRule(
  {
    id: 'template/sandbox-escape',
    description: 'Rendering the chat template reaches Python internals (dunder attributes, frames, globals): the way templates run code.',
    severity: 'critical',
    category: 'template',
    appliesTo: ['chat-template'],
    docs: {
      description:
        'Chat templates are Jinja2 programs that transformers, llama-cpp-python, vLLM and llama.cpp servers render for every request. A template that looks up `__class__`, `__globals__`, `__subclasses__`, `__builtins__`, `mro`, frame or code attributes (directly, by subscript, through `|attr`, `|map(attribute=…)`, `str.format` fields, a stored `str.format`, or with the name assembled at render time by concatenation, `|format`, `|join`, `|replace`, `|reverse`, slicing or `%c`) is climbing to `os` or `builtins`. Rendered without a sandbox (llama-cpp-python before 0.2.72, CVE-2024-34359 "Llama Drama") it runs code; with one it relies on the sandbox having no escape left. modelvet parses the template with @huggingface/jinja and evaluates names statically; it never renders.',
      example: "{{ cycler.__init__.__globals__.os.popen('id').read() }} in tokenizer_config.json's chat_template, or x|attr('__cla' ~ 'ss__')",
      fix: 'Do not load or serve this model. Replace the chat template with the publisher\'s original from a pinned revision, and render templates only in an ImmutableSandboxedEnvironment with an up-to-date Jinja2.',
      url: 'https://github.com/abetlen/llama-cpp-python/security/advisories/GHSA-56xg-wfcc-g829',
    },
  },
  SANDBOX_ESCAPE_CODES,
);
