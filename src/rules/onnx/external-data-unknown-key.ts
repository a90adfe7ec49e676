import { ONNX_CODES } from '../../parsers/onnx/codes.js';
import { anomalyRule } from '../anomaly-rule.js';

export default anomalyRule(
  {
    id: 'onnx/external-data-unknown-key',
    description: "A tensor's external_data carries keys other than location, offset, length, checksum and basepath.",
    severity: 'medium',
    category: 'onnx',
    appliesTo: ['onnx'],
    docs: {
      description:
        "onnx builds an ExternalDataInfo object from each tensor's external_data entries. Older versions set every key as an attribute of that object (setattr, CVE-2026-34445), so a crafted key overrides internals on a vulnerable loader; current onnx warns and ignores unknown keys. No exporter writes other keys.",
      example: "external_data { key: '__class__' value: '...' }",
      fix: 'Upgrade onnx, and rewrite the model without the extra keys (onnx.external_data_helper.set_external_data) if you need to keep it.',
    },
  },
  (a) => a.code === ONNX_CODES.externalUnknownKey,
);
