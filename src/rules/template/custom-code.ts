import type { TokenizerConfigArtifact } from '../../parsers/template/types.js';
import type { Rule } from '../types.js';

const rule: Rule = {
  meta: {
    id: 'template/custom-code',
    description: "The tokenizer or processor config maps transformers' Auto classes to custom Python code (auto_map), which loading with trust_remote_code=True imports and runs.",
    severity: 'medium',
    category: 'template',
    appliesTo: ['tokenizer-config'],
    docs: {
      description:
        "An `auto_map` entry (`\"AutoTokenizer\": [\"tokenization_x.XTokenizer\", null]`) tells AutoTokenizer/AutoProcessor to import a module from the model repository instead of a class shipped with transformers. transformers refuses unless the caller passes trust_remote_code=True; with it, loading runs that module's code. Medium when the code sits in the same repository (review it, pin the revision); high when the reference names another repository (`org/repo--module.Class`), whose code the scanned files do not even contain.",
      example: 'tokenizer_config.json: "auto_map": {"AutoTokenizer": ["other-org/helpers--tokenization.Tok", null]}',
      fix: 'Prefer a model whose tokenizer ships with transformers; otherwise review the referenced Python files, pin the revision (and the other repository\'s), and load with trust_remote_code only for that revision.',
      url: 'https://huggingface.co/docs/transformers/custom_models',
    },
  },
  *check({ artifact }) {
    if (artifact.format !== 'tokenizer-config') return;
    const { autoMap, kind } = (artifact as TokenizerConfigArtifact).tokenizerConfig;
    const seen = new Set<string>();
    for (const entry of autoMap) {
      if (entry.reference === null || seen.has(entry.reference)) continue;
      seen.add(entry.reference);
      const classes = autoMap.filter((e) => e.reference === entry.reference).map((e) => e.autoClass);
      const via = [...new Set(classes)].join(', ');
      yield entry.repository
        ? {
            severity: 'high' as const,
            message: `loading ${kind} through ${via} with trust_remote_code=True imports ${entry.reference}, code fetched from another repository (${entry.repository})`,
            evidence: { autoClass: via, reference: entry.reference, repository: entry.repository },
          }
        : {
            message: `loading ${kind} through ${via} with trust_remote_code=True imports and runs ${entry.reference} from the model repository`,
            evidence: { autoClass: via, reference: entry.reference },
          };
    }
  },
};
export default rule;
