import type { Rule } from '../types.js';
import { expectedFormats } from './extensions.js';

/** The last segment of an artifact path: after the archive `!` and any folder. */
function baseName(path: string): string {
  const member = path.slice(path.lastIndexOf('!') + 1);
  return member.slice(Math.max(member.lastIndexOf('/'), member.lastIndexOf('\\')) + 1);
}

const rule: Rule = {
  meta: {
    id: 'format/extension-mismatch',
    description: "A file's name promises one format and its content is another.",
    severity: 'medium',
    category: 'format',
    appliesTo: ['*'],
    docs: {
      description:
        'Loaders and scanners often pick a code path by extension: a pickle named model.safetensors is skipped by tools that trust the name, while torch.load or numpy.load (allow_pickle) still unpickles it. modelvet detects the format by content; a name that disagrees is itself suspicious.',
      example: 'weights.safetensors whose bytes are a pickle; config.json that is a zip archive',
      fix: 'Rename the file after its real format, or replace it with the format its name promises.',
    },
  },
  *check({ artifact }) {
    // Unknown content under a model name is the family parser's business (it reports it malformed).
    if (artifact.format === 'unknown') return;
    const name = baseName(artifact.path);
    const promise = expectedFormats(name);
    if (!promise || promise.expected.includes(artifact.format)) return;
    yield {
      message: `named ${promise.suffix} but the content is ${artifact.format}; tools that trust the name treat it differently from its loader`,
      evidence: { name, detected: artifact.format, expected: [...promise.expected] },
    };
  },
};
export default rule;
