import { anomalyRule } from '../anomaly-rule.js';
import { MALFORMED_CODES } from '../../parsers/keras/codes.js';

export default anomalyRule(
  {
    id: 'keras/malformed',
    description: 'A Keras model or HDF5 file could not be analysed in full: unparseable config, unreadable HDF5, or an analysis limit reached.',
    severity: 'high',
    category: 'keras',
    appliesTo: ['*'],
    docs: {
      description:
        "What cannot be read cannot be proven safe (fail closed). modelvet reports a config.json or model_config that is not JSON, an HDF5 file libhdf5 cannot open or loops on (read in a worker with a time limit), and configs or HDF5 files past a size, depth or object limit, instead of passing them silently.",
      example: 'a .keras whose config.json is cut off mid-document; a truncated legacy .h5',
      fix: 'Download the model again from a pinned revision and check its SHA-256. If the file is legitimately large, raise the analysis limits; do not load a model that does not parse.',
    },
  },
  (a) => MALFORMED_CODES.has(a.code),
);
