import { RuleTester } from '../../../src/rules/rule-tester.js';
import signatureInvalid from '../../../src/rules/integrity/signature-invalid.js';
import signatureUnverified from '../../../src/rules/integrity/signature-unverified.js';
import signingMalformed from '../../../src/rules/integrity/signing-malformed.js';
import type { ModelSignatureArtifact } from '../../../src/parsers/model-signature/types.js';
import type { Anomaly } from '../../../src/types.js';

const tester = new RuleTester();

function sig(signature: Partial<ModelSignatureArtifact['signature']> = {}, anomalies: Anomaly[] = []): ModelSignatureArtifact {
  return {
    path: 'm/model.sig',
    format: 'model-signature',
    size: 1500,
    anomalies,
    children: [],
    signature: { status: 'unverified', method: 'public-key', detail: 'no key given', files: 2, ...signature },
  };
}

const escape: Anomaly = { code: 'signing/path-escape', message: 'the signing manifest names "../x", which climbs out of the model folder', detail: { name: '../x' } };
const mismatch: Anomaly = { code: 'signing/subject-mismatch', message: 'the subject digest is not the SHA-256 of the listed resource digests', detail: { subject: 'aa', computed: 'bb' } };
const malformed: Anomaly = { code: 'signing/malformed', message: 'model.sig is not a model-signing signature: it is not UTF-8 JSON' };

tester.run('integrity/signature-invalid', signatureInvalid, {
  valid: [
    { name: 'a verified signature', artifact: sig({ status: 'verified', detail: 'ok' }) },
    { name: 'an unverified one', artifact: sig() },
    { name: 'a malformed one is the other rule', artifact: sig({}, [malformed]) },
  ],
  invalid: [
    {
      name: 'a signature that does not verify',
      artifact: sig({ status: 'invalid', method: 'certificate', detail: 'the certificate identity is a@x, not the expected b@x', signer: 'a@x', issuer: 'https://i' }),
      findings: [{ severity: 'critical', message: 'the model signature is invalid: the certificate identity is a@x, not the expected b@x', evidence: { method: 'certificate', signer: 'a@x', issuer: 'https://i' } }],
    },
    {
      name: 'a path escape and a subject mismatch in an otherwise verified signature',
      artifact: sig({ status: 'verified', detail: 'ok' }, [escape, mismatch]),
      findings: [
        { severity: 'critical', message: /climbs out of the model folder/, evidence: { code: 'signing/path-escape', name: '../x' } },
        { severity: 'critical', message: /subject digest/, evidence: { code: 'signing/subject-mismatch' } },
      ],
    },
  ],
});

tester.run('integrity/signature-unverified', signatureUnverified, {
  valid: [
    { name: 'verified', artifact: sig({ status: 'verified', detail: 'ok' }) },
    { name: 'invalid is critical elsewhere', artifact: sig({ status: 'invalid', detail: 'bad' }) },
    { name: 'an unreadable signature has no digests to use', artifact: sig({ method: 'unknown', files: 0 }, [malformed]) },
  ],
  invalid: [
    {
      name: 'a key-signed bundle scanned without a key',
      artifact: sig({ detail: 'the bundle is signed with a private key and no public key was given (--public-key)' }),
      findings: [{ severity: 'info', message: 'the signature over 2 file(s) was not verified: the bundle is signed with a private key and no public key was given (--public-key)', evidence: { method: 'public-key', files: 2 } }],
    },
    {
      name: 'a keyless bundle without a trusted root',
      artifact: sig({ method: 'certificate', detail: 'sigstore trusted root not given', signer: 'a@x', issuer: 'https://i' }),
      findings: [{ severity: 'info', message: /sigstore trusted root not given$/, evidence: { signer: 'a@x', issuer: 'https://i' } }],
    },
  ],
});

tester.run('integrity/signing-malformed', signingMalformed, {
  valid: [{ name: 'no anomaly', artifact: sig() }, { name: 'contradictions are critical elsewhere', artifact: sig({}, [escape]) }],
  invalid: [
    { name: 'not a bundle', artifact: sig({}, [malformed]), findings: [{ severity: 'high', message: /not a model-signing signature/ }] },
    {
      name: 'blake3 digests and an oversized file',
      artifact: sig({}, [
        { code: 'signing/unsupported', message: '2 resource digest(s) use "blake3"', detail: { algorithm: 'blake3', count: 2 } },
        { code: 'signing/limit', message: 'the signature file is 20000000 bytes, over the limit' },
      ]),
      findings: [
        { severity: 'high', evidence: { code: 'signing/unsupported', algorithm: 'blake3' } },
        { severity: 'high', message: /over the limit/ },
      ],
    },
  ],
});
