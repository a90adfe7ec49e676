import { isBomCode } from '../../parsers/bom/codes.js';
import { anomalyRule } from '../anomaly-rule.js';

export default anomalyRule(
  {
    id: 'bom/malformed',
    description: 'A CycloneDX or SPDX BOM cannot be read, is read only in part, or is not the BOM its name promises.',
    severity: 'medium',
    category: 'bom',
    appliesTo: ['ai-bom'],
    docs: {
      description:
        'A bill of materials is only worth what can be read from it: one that is not valid JSON, over the size limit, not the spec its name promises (`model.cdx.json` holding SPDX), of a spec version modelvet does not know, or with entries no consumer can read vouches for nothing it did not say, and the hashes and pins it was meant to carry are not checked. Medium rather than high: a BOM is a record, nothing loads it as code. A BOM over a size or element limit is high instead and says it was not fully analysed, as every limit does.',
      example: 'bom.cdx.json cut off in the middle of its components list',
      fix: 'Regenerate the BOM (modelvet bom <model> --output model.cdx.json) and validate it against its official schema.',
    },
  },
  (a) => isBomCode(a.code),
);
