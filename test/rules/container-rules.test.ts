import { RuleTester } from '../../src/rules/rule-tester.js';
import loaderDivergence from '../../src/rules/zip/loader-divergence.js';
import zipMalformed from '../../src/rules/zip/malformed.js';
import unexpectedPickleMember from '../../src/rules/torch/unexpected-pickle-member.js';
import torchscriptCode from '../../src/rules/torch/torchscript-code.js';
import legacyMagicMismatch from '../../src/rules/torch/legacy-magic-mismatch.js';
import symlinkEscape from '../../src/rules/source/symlink-escape.js';
import unreadable from '../../src/rules/source/unreadable.js';
import unrecognized from '../../src/rules/format/unrecognized.js';
import type { TorchLegacyArtifact, TorchZipArtifact } from '../../src/parsers/torch/types.js';
import type { Anomaly } from '../../src/types.js';
import { analysis, pickleArtifact, unknownArtifact } from '../helpers/artifacts.js';

const tester = new RuleTester();

function torchZip(anomalies: Anomaly[] = [], children: TorchZipArtifact['children'] = [], format: TorchZipArtifact['format'] = 'pytorch-zip', codeFiles: string[] = []): TorchZipArtifact {
  return {
    path: 'm.pt',
    format,
    size: 1000,
    anomalies,
    children,
    torch: { archiveName: 'archive', records: ['data.pkl', 'version'], codeFiles, pickleMembers: ['archive/data.pkl'] },
  };
}

tester.run('zip/loader-divergence', loaderDivergence, {
  valid: [{ name: 'a clean checkpoint', artifact: torchZip() }],
  invalid: [
    {
      name: 'duplicate member names',
      artifact: torchZip([{ code: 'zip/duplicate-name', message: 'archive/data.pkl appears twice; torch.load uses the first', detail: { name: 'archive/data.pkl' } }]),
      findings: [{ severity: 'high', message: /appears twice/, evidence: { code: 'zip/duplicate-name', name: 'archive/data.pkl' } }],
    },
    {
      name: 'a pickle in front of a zip',
      artifact: { ...pickleArtifact('p.pt'), anomalies: [{ code: 'container/pickle-zip-polyglot', message: 'polyglot', offset: 50 }] },
      findings: [{ severity: 'high', message: 'polyglot' }],
    },
  ],
});

tester.run('zip/malformed', zipMalformed, {
  valid: [{ name: 'divergence is the other rule', artifact: torchZip([{ code: 'zip/flag-bits', message: 'x' }]) }],
  invalid: [
    {
      name: 'truncated central directory',
      artifact: torchZip([{ code: 'zip/truncated', message: 'central directory runs past the end of the file' }]),
      findings: [{ severity: 'high', message: /central directory/ }],
    },
  ],
});

tester.run('torch/unexpected-pickle-member', unexpectedPickleMember, {
  valid: [
    { name: 'data.pkl only', artifact: torchZip([], [pickleArtifact('m.pt!archive/data.pkl')]) },
    {
      name: "TorchScript's own pickles",
      artifact: torchZip([], ['data.pkl', 'constants.pkl', 'traced_inputs.pkl', 'code/__torch__/m.py.debug_pkl'].map((m) => pickleArtifact(`m.pt!archive/${m}`)), 'torchscript'),
    },
  ],
  invalid: [
    {
      name: 'constants.pkl in a plain checkpoint is not read by torch.load',
      artifact: torchZip([], [pickleArtifact('m.pt!archive/constants.pkl')]),
      findings: [{ severity: 'high', path: 'm.pt!archive/constants.pkl' }],
    },
    {
      name: 'payload.txt that is a pickle',
      artifact: torchZip([], [pickleArtifact('m.pt!archive/data.pkl'), pickleArtifact('m.pt!archive/payload.txt')]),
      findings: [{ severity: 'high', path: 'm.pt!archive/payload.txt', message: /archive\/payload\.txt is a pickle, but the loader never/ }],
    },
    {
      name: 'data.pkl outside the archive folder',
      artifact: torchZip([], [pickleArtifact('m.pt!other/data.pkl')]),
      findings: [{ severity: 'high', message: /other\/data\.pkl/ }],
    },
  ],
});

tester.run('torch/torchscript-code', torchscriptCode, {
  valid: [{ name: 'a plain checkpoint', artifact: torchZip() }],
  invalid: [
    {
      name: 'scripted module',
      artifact: torchZip([], [], 'torchscript', ['archive/code/__torch__/model.py', 'archive/code/__torch__/model.py.debug_pkl']),
      findings: [{ severity: 'low', message: 'TorchScript archive carries 2 code files that torch.jit.load compiles and runs' }],
    },
  ],
});

function legacy(magicOk: boolean): TorchLegacyArtifact {
  return { path: 'old.pt', format: 'pytorch-legacy', size: 100, anomalies: [], children: [], pickle: analysis(), legacy: { magicOk } };
}

tester.run('torch/legacy-magic-mismatch', legacyMagicMismatch, {
  valid: [{ name: 'magic number in place', artifact: legacy(true) }],
  invalid: [{ name: 'first pickle is not the magic', artifact: legacy(false), findings: [{ severity: 'high', message: /torch\.load runs it/ }] }],
});

tester.run('source/symlink-escape', symlinkEscape, {
  valid: [{ name: 'a plain file', artifact: unknownArtifact('a.txt') }],
  invalid: [
    {
      name: 'link to /etc',
      artifact: unknownArtifact('model/config.json', [{ code: 'source/symlink-escape', message: 'link leads outside model to /etc/passwd', detail: { target: '/etc/passwd' } }]),
      findings: [{ severity: 'critical', evidence: { target: '/etc/passwd' } }],
    },
  ],
});

tester.run('source/unreadable', unreadable, {
  valid: [{ name: 'readable', artifact: unknownArtifact('a.bin') }],
  invalid: [{ name: 'EACCES', artifact: unknownArtifact('a.bin', [{ code: 'source/unreadable', message: 'could not be read: EACCES' }]), findings: [{ severity: 'high', message: 'could not be read: EACCES' }] }],
});

tester.run('format/unrecognized', unrecognized, {
  valid: [
    { name: 'a recognised pickle', artifact: pickleArtifact('a.pkl') },
    { name: 'a source anomaly is reported by its own rule', artifact: unknownArtifact('l', [{ code: 'source/broken-symlink', message: 'x' }]) },
  ],
  invalid: [{ name: 'a text file', artifact: unknownArtifact('notes.txt'), findings: [{ severity: 'info' }] }],
});
