import { INVALID_EXTERNAL_CODES } from '../../parsers/onnx/codes.js';
import { anomalyRule } from '../anomaly-rule.js';

export default anomalyRule(
  {
    id: 'onnx/external-data-invalid',
    description: "A tensor's external data cannot be read as declared: missing file, range past its end, not a regular file, bad numbers or a hard link.",
    severity: 'high',
    category: 'onnx',
    appliesTo: ['onnx'],
    docs: {
      description:
        'Loading reads each external tensor from location, offset and length. A missing file, an offset or length past the end of the file, a folder, pipe or device in its place, a non-integer offset or length, or no location at all make loading fail, block, or read bytes other than the ones the model was published with. A data file with several hard links is refused by current onnx because a hard link can expose any file on the same disk, while other loaders read it.',
      example: "external_data { location: 'weights.bin', offset: '64', length: '128' } with a 128-byte weights.bin",
      fix: 'Fetch the complete model (all its data files) from a pinned revision and verify their SHA-256; re-save it with onnx.save_model(..., save_as_external_data=True) if you produced it.',
      url: 'https://onnx.ai/onnx/repo-docs/ExternalData.html',
    },
  },
  (a) => INVALID_EXTERNAL_CODES.has(a.code),
);
