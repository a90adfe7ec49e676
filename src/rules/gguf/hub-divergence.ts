import { GGUF_DIVERGENCE } from '../../parsers/gguf/codes.js';
import type { Rule } from '../types.js';

const rule: Rule = {
  meta: {
    id: 'gguf/hub-divergence',
    description: "Hugging Face's JavaScript GGUF reader sees other metadata or tensors than llama.cpp loads, or cannot read a header llama.cpp accepts.",
    severity: 'high',
    category: 'gguf',
    appliesTo: ['gguf'],
    docs: {
      description:
        "modelvet reads every sound GGUF header a second time with @huggingface/gguf, the reader of Hugging Face's JavaScript tools. Where the two disagree (a key named __proto__ that a plain-object reader drops, a key named version that replaces the header's, a different tensor table), what a reviewer sees on a model page is not what the model loads: a place to hide a chat template or metadata. When that reader merely rejects a header llama.cpp accepts (one of its own size limits), the finding is low: nothing is hidden, the page just shows less.",
      example: 'a GGUF whose metadata holds a key "__proto__" or "kv_count"',
      fix: 'Inspect the header with llama.cpp\'s tools (gguf-py gguf_dump.py) rather than a web viewer, and prefer a file converted again from trusted weights.',
    },
  },
  *check({ artifact }) {
    for (const a of artifact.anomalies) {
      if (a.code !== GGUF_DIVERGENCE.content && a.code !== GGUF_DIVERGENCE.unreadable) continue;
      yield {
        message: a.message,
        ...(a.code === GGUF_DIVERGENCE.unreadable ? { severity: 'low' as const } : {}),
        ...(a.offset !== undefined ? { location: { offset: a.offset } } : {}),
        evidence: { code: a.code, ...(a.detail ?? {}) },
      };
    }
  },
};
export default rule;
