import { ESCAPE_CODES } from '../../parsers/onnx/codes.js';
import { anomalyRule } from '../anomaly-rule.js';

export default anomalyRule(
  {
    id: 'onnx/external-data-escape',
    description: "A tensor's external data path leads outside the model's folder (absolute, climbing out, or through a symlink).",
    severity: 'critical',
    category: 'onnx',
    appliesTo: ['onnx'],
    docs: {
      description:
        "Large ONNX models keep weights in separate files named by each tensor's external_data location, resolved against the model's folder. A location that is absolute (/etc/passwd, C:\\x, \\\\server\\share), that climbs out after normalisation (../x, sub/../../x: CVE-2022-25882, CVE-2024-27318), or that passes through a symbolic link (CVE-2026-27489) makes loading read an arbitrary file of the machine into a tensor, where the model's outputs can leak it. Checked lexically everywhere, and component by component on disk (lstat, nothing opened) for local files.",
      example: "an initializer whose external_data location is '../../home/user/.ssh/id_rsa'",
      fix: "Do not load the model. Legitimate exporters write plain relative names (model.onnx_data) beside the model; re-export or rewrite the locations with onnx.external_data_helper and keep data files as regular files inside the model's folder.",
      url: 'https://onnx.ai/onnx/repo-docs/ExternalData.html',
    },
  },
  (a) => ESCAPE_CODES.has(a.code),
);
