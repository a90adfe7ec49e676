import { DEPS_CODES, LIMIT_CODES, ALL_DEPS_CODES } from '../../parsers/deps/codes.js';
import { limitMessage } from '../../engine/limits.js';
import type { Rule } from '../types.js';

const rule: Rule = {
  meta: {
    id: 'dependencies/unreadable',
    description: 'A dependency manifest (or one entry of it) could not be read, so its dependencies were not checked.',
    severity: 'medium',
    category: 'dependencies',
    appliesTo: ['dependency-manifest'],
    docs: {
      description:
        'A requirements file, pyproject.toml, lock file or package.json that does not parse, or an entry its tool would reject, is not checked for vulnerable loaders. The installer refuses such a file too, so this is medium; a manifest modelvet did not read because it is over the size limit (maxJsonBytes) or nests includes too deep is high instead: the tool would read it and modelvet did not (fail closed).',
      example: "pyproject.toml with an unclosed table header; 'torch>=>2' in requirements.txt; a 200 MB package-lock.json",
      fix: 'Fix the file so its tool accepts it (pip install --dry-run -r, poetry check, uv lock --check, npm ci --dry-run), then scan again.',
    },
  },
  *check({ artifact }) {
    for (const a of artifact.anomalies) {
      if (!ALL_DEPS_CODES.has(a.code)) continue;
      const line = typeof a.detail?.line === 'number' ? { location: { line: a.detail.line } } : {};
      yield {
        severity: LIMIT_CODES.has(a.code) ? 'high' : 'medium',
        message: a.code === DEPS_CODES.invalidEntry ? `${a.message}; that dependency was not checked` : LIMIT_CODES.has(a.code) ? limitMessage(a.message) : a.message,
        ...line,
        evidence: { code: a.code, ...(a.detail ?? {}) },
      };
    }
  },
};
export default rule;
