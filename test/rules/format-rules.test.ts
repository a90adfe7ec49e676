import { RuleTester } from '../../src/rules/rule-tester.js';
import extensionMismatch from '../../src/rules/format/extension-mismatch.js';
import unrecognized from '../../src/rules/format/unrecognized.js';
import type { Artifact } from '../../src/types.js';
import { pickleArtifact, unknownArtifact } from '../helpers/artifacts.js';

const tester = new RuleTester();

const zipArtifact = (path: string): Artifact => ({ path, format: 'zip', size: 10, anomalies: [], children: [], zip: { entries: 1, prependedBytes: 0 } });

tester.run('format/extension-mismatch', extensionMismatch, {
  valid: [
    { name: 'a pickle named .pkl', artifact: pickleArtifact('model.pkl') },
    { name: 'a pickle named .pt (legacy torch.save)', artifact: pickleArtifact('dir/model.pt') },
    { name: 'a name that promises nothing (.bin)', artifact: pickleArtifact('pytorch_model.bin') },
    { name: 'unknown bytes under a model name are the parser family’s business', artifact: unknownArtifact('model.safetensors') },
    { name: 'a zip named .npz', artifact: zipArtifact('arrays.npz') },
    { name: 'a member without an extension', artifact: pickleArtifact('m.pt!archive/data.pkl') },
    { name: 'a hidden file named only ".pt"', artifact: pickleArtifact('.pt') },
  ],
  invalid: [
    {
      name: 'a pickle named .safetensors',
      artifact: pickleArtifact('weights/model.safetensors'),
      findings: [{ severity: 'medium', message: /named \.safetensors but the content is pickle/, evidence: { name: 'model.safetensors', detected: 'pickle' } }],
    },
    {
      name: 'a pickle named .npy (numpy falls back to unpickling)',
      artifact: pickleArtifact('x.NPY'),
      findings: [{ severity: 'medium', message: /named \.npy/ }],
    },
    {
      name: 'a zip named .json',
      artifact: zipArtifact('config.json'),
      findings: [{ severity: 'medium', message: /named \.json but the content is zip/ }],
    },
    {
      name: 'a pickle as an archive member named .txt',
      artifact: pickleArtifact('m.pt!archive/payload.txt'),
      findings: [{ severity: 'medium', evidence: { name: 'payload.txt' } }],
    },
  ],
});

tester.run('format/unrecognized', unrecognized, {
  valid: [{ name: 'an unknown file with an anomaly is reported by that anomaly’s rule', artifact: unknownArtifact('x', [{ code: 'source/unreadable', message: 'x' }]) }],
  invalid: [
    { name: 'an unknown file', artifact: unknownArtifact('notes.txt'), findings: [{ severity: 'info', message: /not a recognised model format/ }] },
    { name: 'an unknown archive member', artifact: unknownArtifact('a.zip!README'), findings: [{ severity: 'info' }] },
  ],
});
