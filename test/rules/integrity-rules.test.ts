import { expect } from 'chai';
import { RULES } from '../../src/rules/integrity/index.js';
import { RuleTester } from '../../src/rules/rule-tester.js';
import cacheIncomplete from '../../src/rules/integrity/cache-incomplete.js';
import cacheInconsistent from '../../src/rules/integrity/cache-inconsistent.js';
import checksumMismatch from '../../src/rules/integrity/checksum-mismatch.js';
import lockMalformed from '../../src/rules/integrity/lock-malformed.js';
import lockStale from '../../src/rules/integrity/lock-stale.js';
import missingChecksum from '../../src/rules/integrity/missing-checksum.js';
import notVerified from '../../src/rules/integrity/not-verified.js';
import unsignedFile from '../../src/rules/integrity/unsigned-file.js';
import unverifiable from '../../src/rules/integrity/unverifiable.js';
import type { IntegrityStatus } from '../../src/integrity/types.js';
import type { Anomaly, Artifact, FormatId } from '../../src/types.js';

const tester = new RuleTester();
const A = 'a'.repeat(64);
const B = 'b'.repeat(64);

function file(format: FormatId, integrity?: IntegrityStatus, children: Artifact[] = [], path = 'models/m.bin'): Artifact {
  return { path, format, size: 10, anomalies: [], children, ...(integrity ? { integrity } : {}) } as Artifact;
}
const unknownWith = (code: string, message = 'm', path = 'x'): Artifact => ({ path, format: 'unknown', size: 0, children: [], anomalies: [{ code, message } as Anomaly] });
const lockRecord = { sha256: A, size: 10, source: 'lockfile' as const, where: 'modelvet.lock.json' };

tester.run('integrity/missing-checksum', missingChecksum, {
  valid: [
    { name: 'a locked model file', artifact: file('safetensors', { expected: [lockRecord] }) },
    { name: 'a cache blob named by its git id', artifact: file('pytorch-zip', { expected: [], gitBlob: { expected: 'c'.repeat(40), where: 'blobs/c' } }) },
    { name: 'a file covered by signed shards', artifact: file('gguf', { expected: [], signedShards: { where: 'model.sig', checked: 2, mismatches: [] } }) },
    { name: 'a config file', artifact: file('model-config', { expected: [] }) },
    { name: 'no integrity pass ran (library use of analyseReader)', artifact: file('safetensors') },
    { name: 'a zip of configs', artifact: file('zip', { expected: [] }, [file('unknown', undefined, [], 'a.zip!x.txt')]) },
  ],
  invalid: [
    {
      name: 'an unrecorded safetensors file',
      artifact: file('safetensors', { expected: [] }),
      findings: [{ severity: 'medium', message: /no lockfile, BOM, signing manifest or cache name records the SHA-256 of this model file/, evidence: { format: 'safetensors' } }],
    },
    {
      name: 'an unrecorded zip holding a pickle',
      artifact: file('zip', { expected: [] }, [file('pickle', undefined, [], 'a.zip!m.pkl')], 'a.zip'),
      findings: [{ severity: 'medium', path: 'a.zip' }],
    },
  ],
});

tester.run('integrity/checksum-mismatch', checksumMismatch, {
  valid: [
    { name: 'digests agree', artifact: file('safetensors', { expected: [lockRecord, { sha256: A, source: 'bom', where: 'bom.json' }], actualSha256: A, actualSize: 10 }) },
    { name: 'nothing measured (unreadable)', artifact: file('safetensors', { expected: [lockRecord], error: 'EACCES' }) },
    { name: 'a git blob id that agrees', artifact: file('unknown', { expected: [], gitBlob: { expected: 'c'.repeat(40), actual: 'c'.repeat(40), where: 'b' } }) },
    { name: 'signed shards that agree', artifact: file('gguf', { expected: [], signedShards: { where: 'model.sig', checked: 3, mismatches: [] } }) },
  ],
  invalid: [
    {
      name: 'one record of two disagrees: the finding names that record',
      artifact: file('safetensors', { expected: [lockRecord, { sha256: B, source: 'bom', where: 'bom.cdx.json' }], actualSha256: A, actualSize: 10 }),
      findings: [{ severity: 'critical', message: `hashes to ${A}, not the ${B} that the BOM bom.cdx.json records: loading it would run bytes nobody recorded`, evidence: { record: 'bom', expected: B, actual: A } }],
    },
    {
      name: 'the size alone differs',
      artifact: file('safetensors', { expected: [lockRecord], actualSha256: A, actualSize: 11 }),
      findings: [{ message: /\(11 bytes, not 10\)/, evidence: { expectedSize: 10, actualSize: 11 } }],
    },
    {
      name: 'a cache blob whose content does not hash to its name',
      artifact: file('unknown', { expected: [{ sha256: B, source: 'hf-cache', where: 'hub/models--o--n/blobs/bbb' }], actualSha256: A }),
      findings: [{ message: /its Hugging Face cache blob name \(hub\/models--o--n\/blobs\/bbb\)/ }],
    },
    {
      name: 'a git blob id that disagrees',
      artifact: file('unknown', { expected: [], gitBlob: { expected: 'c'.repeat(40), actual: 'd'.repeat(40), where: 'blobs/ccc' } }),
      findings: [{ severity: 'critical', message: /git blob id is d{40}, not the c{40}/, evidence: { algorithm: 'git-sha1' } }],
    },
    {
      name: 'a signed shard that disagrees',
      artifact: file('gguf', { expected: [], signedShards: { where: 'model.sig', checked: 3, mismatches: [{ start: 0, end: 100, expected: A, actual: B }] } }),
      findings: [{ message: /1 of 3 byte ranges signed by model\.sig do not match \(first: bytes 0–100/ }],
    },
  ],
});

tester.run('integrity/lock-stale', lockStale, {
  valid: [{ name: 'a locked file', artifact: file('safetensors', { expected: [lockRecord] }) }],
  invalid: [
    {
      name: 'a file in a locked folder with no entry',
      artifact: file('pickle', { expected: [], notRecorded: [{ by: 'lockfile', where: 'modelvet.lock.json' }] }),
      findings: [{ severity: 'medium', message: /modelvet\.lock\.json locks this folder but not this file/, evidence: { code: 'integrity/file-not-locked' } }],
    },
    {
      name: 'a locked file that is gone',
      artifact: unknownWith('integrity/locked-file-missing', 'modelvet.lock.json locks this file, but it is missing', 'models/gone.bin'),
      findings: [{ path: 'models/gone.bin', message: /but it is missing/ }],
    },
  ],
});

tester.run('integrity/unsigned-file', unsignedFile, {
  valid: [{ name: 'a signed file', artifact: file('safetensors', { expected: [{ sha256: A, source: 'signing-manifest', where: 'model.sig' }] }) }],
  invalid: [
    {
      name: 'a file the manifest does not cover',
      artifact: file('pickle', { expected: [], notRecorded: [{ by: 'signing-manifest', where: 'm/model.sig' }] }),
      findings: [{ severity: 'medium', message: /m\/model\.sig signs this folder but not this file/ }],
    },
    { name: 'a signed file that is gone', artifact: unknownWith('integrity/signed-file-missing'), findings: [{ evidence: { code: 'integrity/signed-file-missing' } }] },
  ],
});

tester.run('integrity/unverifiable', unverifiable, {
  valid: [{ name: 'hashed', artifact: file('safetensors', { expected: [lockRecord], actualSha256: A }) }],
  invalid: [
    {
      name: 'a locked file that cannot be read',
      artifact: file('safetensors', { expected: [lockRecord], error: 'EACCES: permission denied' }),
      findings: [{ severity: 'high', message: 'could not be read to check it against the lockfile modelvet.lock.json: EACCES: permission denied' }],
    },
  ],
});

tester.run('integrity/lock-malformed', lockMalformed, {
  valid: [{ name: 'a valid lockfile', artifact: { path: 'modelvet.lock.json', format: 'modelvet-lock', size: 2, anomalies: [], children: [] } as Artifact }],
  invalid: [
    {
      name: 'a lockfile that is not JSON',
      artifact: { path: 'modelvet.lock.json', format: 'modelvet-lock', size: 2, anomalies: [{ code: 'lock/malformed', message: 'the lockfile is not valid JSON' }], children: [] } as Artifact,
      findings: [{ severity: 'high', message: 'the lockfile is not valid JSON' }],
    },
  ],
});

tester.run('integrity/cache-inconsistent', cacheInconsistent, {
  valid: [{ name: 'a partial download is not an inconsistency', artifact: unknownWith('integrity/cache-incomplete') }],
  invalid: ['integrity/cache-dangling-link', 'integrity/cache-link-outside', 'integrity/cache-bad-ref', 'integrity/cache-bad-name'].map((code) => ({
    name: code,
    artifact: unknownWith(code, `${code} happened`),
    findings: [{ severity: 'high' as const, message: `${code} happened` }],
  })),
});

tester.run('integrity/cache-incomplete', cacheIncomplete, {
  valid: [{ name: 'a dangling link is another rule', artifact: unknownWith('integrity/cache-dangling-link') }],
  invalid: [{ name: 'an .incomplete blob', artifact: unknownWith('integrity/cache-incomplete'), findings: [{ severity: 'info' }] }],
});

tester.run('integrity/not-verified', notVerified, {
  valid: [{ name: 'other codes', artifact: unknownWith('integrity/locked-file-missing') }],
  invalid: [{ name: 'a Hub entry not in the cache', artifact: unknownWith('integrity/not-in-cache', 'not in the cache'), findings: [{ severity: 'info', message: 'not in the cache' }] }],
});

describe('integrity rule family', () => {
  it('registers every rule file once, each with docs a user can read', () => {
    const ids = RULES.map((r) => r.meta.id);
    expect(new Set(ids).size).to.equal(ids.length);
    expect(ids).to.include.members([
      'integrity/missing-checksum',
      'integrity/checksum-mismatch',
      'integrity/lock-stale',
      'integrity/lock-malformed',
      'integrity/unsigned-file',
      'integrity/signature-invalid',
      'integrity/signature-unverified',
      'integrity/signing-malformed',
    ]);
    for (const r of RULES) {
      expect(r.meta.id.startsWith('integrity/'), r.meta.id).to.equal(true);
      expect(r.meta.docs.description && r.meta.docs.example && r.meta.docs.fix, r.meta.id).to.be.a('string');
    }
    expect(RULES.find((r) => r.meta.id === 'integrity/missing-checksum')!.meta.severity).to.equal('medium');
    expect(RULES.find((r) => r.meta.id === 'integrity/checksum-mismatch')!.meta.severity).to.equal('critical');
    expect(RULES.find((r) => r.meta.id === 'integrity/lock-stale')!.meta.severity).to.equal('medium');
  });
});
