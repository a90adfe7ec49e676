import type { Severity } from '../../types.js';
import { MODEL_CONFIG_CODES } from '../../parsers/model-config/codes.js';
import { anomalyRule } from '../anomaly-rule.js';
import type { Rule, RuleMeta } from '../types.js';

const meta: RuleMeta = {
  id: 'code/malformed',
  description: 'A source file, notebook or YAML/JSON config could not be read (too large, not UTF-8, invalid JSON, over a limit), so what it loads was not checked.',
  severity: 'medium',
  category: 'code',
  // Every artifact: the codes are this family's whatever format the parser could give the file.
  appliesTo: ['*'],
  docs: {
    description:
      'modelvet reads code and configs to find the models they download and how they load them. A file it could not read is reported rather than passed (fail closed): a notebook that is not valid JSON, a source file over the size cap, a config nested or aliased past a limit. A YAML or JSON config that does not parse is only info: repositories hold many YAML templates that no tool reads as they stand, and a tool that cannot parse a config downloads nothing from it. A file over a size, time or nesting limit is high instead and says it was not fully analysed: the tool would read it and modelvet did not.',
    example: 'a 300 MB generated .py file; an .ipynb cut off mid-file; a YAML config with an alias bomb',
    fix: 'Fix or shrink the file, or exclude it (ignore paths in the modelvet config) if it is not code that runs.',
  },
};

const matches = (code: string): boolean => code.startsWith('code/') || code.startsWith('model-config/');

/** A config that does not parse at all loads nothing: advice, not a gap in the check. */
const severityOf = (code: unknown): Severity | undefined => (code === MODEL_CONFIG_CODES.malformed ? 'info' : undefined);

const base = anomalyRule(meta, (a) => matches(a.code));

const rule: Rule = {
  meta,
  *check(context) {
    for (const finding of base.check(context)) {
      const severity = severityOf(finding.evidence?.code);
      yield severity ? { ...finding, severity } : finding;
    }
  },
};
export default rule;
