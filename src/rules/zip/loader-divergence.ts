import { anomalyRule } from '../anomaly-rule.js';
import { DIVERGENCE_CODES } from './codes.js';

export default anomalyRule(
  {
    id: 'zip/loader-divergence',
    description: "The archive reads differently in the model loader than in a generic zip reader (the one most scanners use).",
    severity: 'high',
    category: 'zip',
    appliesTo: ['*'],
    docs: {
      description:
        'PyTorch reads checkpoints with its own zip reader: it takes the first of two same-named members, looks members up by their central-directory name, ignores encryption and other flag bits, skips CRC checks, and treats a file that does not start with a zip header as a legacy pickle. Python\'s zipfile does none of these. Each difference lets a scanner inspect one thing while the loader runs another (CVE-2025-1944, CVE-2025-1945, CVE-2025-10156). modelvet reads as the loader reads and reports the difference itself.',
      example: 'archive/data.pkl appears twice; torch.load uses the first (malicious), a scanner using zipfile checks the last (benign)',
      fix: 'Do not load the file. Re-create the checkpoint with torch.save from trusted weights, or better, as safetensors.',
    },
  },
  (a) => DIVERGENCE_CODES.has(a.code),
);
