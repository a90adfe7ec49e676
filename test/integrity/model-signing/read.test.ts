/** The signing manifests of the fixture folders: digests read, and the signature checked under each trust setting. */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { readSigningManifest, SigningOptionsError } from '../../../src/integrity/model-signing/read.js';
import { fixture, KEY, P384_KEY, sha256, WRONG_KEY } from './helpers.js';

const sig = (dir: string): string => fixture(`${dir}/model.sig`);
const digestOf = (dir: string, file: string): string => sha256(readFileSync(fixture(`${dir}/${file}`)));

describe('model-signing: reading model.sig', () => {
  it('extracts the signed per-file SHA-256 digests, relative to the folder of the signature', async () => {
    const m = await readSigningManifest(sig('model'), {});
    expect(m.modelRoot).to.equal(resolve(fixture('model')));
    expect(m.files).to.deep.equal([
      { path: 'config.json', sha256: digestOf('model', 'config.json') },
      { path: 'model.safetensors', sha256: digestOf('model', 'model.safetensors') },
    ]);
    expect(m.shards).to.deep.equal([]);
    expect(m.anomalies).to.deep.equal([]);
    expect(m.ignorePaths).to.deep.equal(['.git', '.gitattributes', '.github', '.gitignore', 'model.sig']);
  });

  it('reads the shards of a shard-serialized signature as path, start, end', async () => {
    const m = await readSigningManifest(sig('shards'), {});
    const weights = readFileSync(fixture('shards/model.safetensors'));
    expect(m.files).to.deep.equal([]);
    expect(m.shards.filter((s) => s.path === 'model.safetensors').map((s) => [s.start, s.end])).to.deep.equal([
      [0, 64],
      [64, 128],
      [128, 192],
      [192, weights.length],
    ]);
    expect(m.shards[0]).to.deep.equal({ path: 'config.json', start: 0, end: 64, sha256: sha256(readFileSync(fixture('shards/config.json')).subarray(0, 64)) });
    expect(m.signature.files).to.equal(2);
  });

  it('keeps the signed digest when the file was tampered with: the comparison is what catches it', async () => {
    const m = await readSigningManifest(sig('tampered'), { publicKeyPath: KEY });
    expect(m.signature.status).to.equal('verified');
    const weights = m.files.find((f) => f.path === 'model.safetensors')!;
    expect(weights.sha256).to.equal(digestOf('model', 'model.safetensors'));
    expect(weights.sha256).to.not.equal(digestOf('tampered', 'model.safetensors'));
  });
});

describe('model-signing: key-signed bundles', () => {
  it('is verified with the right public key', async () => {
    const m = await readSigningManifest(sig('model'), { publicKeyPath: KEY });
    expect(m.signature).to.deep.include({ status: 'verified', method: 'public-key', files: 2 });
    expect(m.signature.detail).to.equal('the DSSE signature verifies with the given public key');
  });

  it('is verified with a P-384 key, which model_signing signs with SHA-384', async () => {
    const m = await readSigningManifest(sig('model-p384'), { publicKeyPath: P384_KEY });
    expect(m.signature.status).to.equal('verified');
  });

  it('is invalid with another key, naming both keys', async () => {
    const m = await readSigningManifest(sig('model'), { publicKeyPath: WRONG_KEY });
    expect(m.signature.status).to.equal('invalid');
    expect(m.signature.detail).to.match(/does not verify with the given public key \(the bundle names key [0-9a-f]{16}…, the given key is [0-9a-f]{16}…\)/);
  });

  it('is invalid when another key signed it', async () => {
    const m = await readSigningManifest(sig('wrong-key'), { publicKeyPath: KEY });
    expect(m.signature.status).to.equal('invalid');
  });

  it('is invalid when the payload was altered after signing, even with a consistent subject digest', async () => {
    const m = await readSigningManifest(sig('altered-payload'), { publicKeyPath: KEY });
    expect(m.anomalies).to.deep.equal([]);
    expect(m.signature.status).to.equal('invalid');
    expect(m.signature.detail).to.include('the payload was altered after signing');
    expect(m.files.find((f) => f.path === 'config.json')!.sha256).to.equal(digestOf('altered-payload', 'config.json'));
  });

  it('is unverified without a key, saying how to verify it', async () => {
    const m = await readSigningManifest(sig('model'), {});
    expect(m.signature.status).to.equal('unverified');
    expect(m.signature.detail).to.equal('the bundle is signed with a private key and no public key was given (--public-key); digests were checked, the signature was not');
  });

  it('throws SigningOptionsError for a key file that is missing or not a key', async () => {
    let err: unknown;
    await readSigningManifest(sig('model'), { publicKeyPath: fixture('nope.pem') }).catch((e) => (err = e));
    expect(err).to.be.instanceOf(SigningOptionsError);
    err = undefined;
    await readSigningManifest(sig('model'), { publicKeyPath: fixture('model/config.json') }).catch((e) => (err = e));
    expect(err).to.be.instanceOf(SigningOptionsError).with.property('message').that.match(/is not a PEM or DER public key/);
  });
});

describe('model-signing: certificate and keyless bundles', () => {
  it('reads the signer and issuer of a keyless bundle and leaves it unverified without a trusted root', async () => {
    const m = await readSigningManifest(sig('keyless'), {});
    expect(m.signature).to.deep.include({ status: 'unverified', method: 'certificate', signer: 'modelvet-test@example.com', issuer: 'https://issuer.example.test' });
    expect(m.signature.detail).to.match(/sigstore trusted root not given; digests were checked, the signature was not$/);
  });

  it('is invalid when the expected identity or issuer differs, trusted root or not', async () => {
    const identity = await readSigningManifest(sig('keyless'), { identity: 'someone-else@example.com' });
    expect(identity.signature.status).to.equal('invalid');
    expect(identity.signature.detail).to.equal('the certificate identity is modelvet-test@example.com, not the expected someone-else@example.com');
    // The identity is matched exactly: @sigstore/verify's policy would take it as a regular expression.
    const pattern = await readSigningManifest(sig('keyless'), { identity: 'modelvet.test@example.com' });
    expect(pattern.signature.status).to.equal('invalid');
    const issuer = await readSigningManifest(sig('certificate'), { trustedRootPath: fixture('ca/pki-trusted-root.json'), issuer: 'https://accounts.example.test' });
    expect(issuer.signature.status).to.equal('invalid');
  });

  it('is invalid against a trusted root when a keyless bundle has no transparency-log entry', async () => {
    const m = await readSigningManifest(sig('keyless'), { trustedRootPath: fixture('ca/keyless-trusted-root.json'), identity: 'modelvet-test@example.com', issuer: 'https://issuer.example.test' });
    expect(m.signature.status).to.equal('invalid');
    expect(m.signature.detail).to.include('the bundle has no transparency-log entry, which a keyless signature needs');
  });

  it('verifies a certificate-chain signature against a trusted_root.json or a PEM CA bundle', async () => {
    const json = await readSigningManifest(sig('certificate'), { trustedRootPath: fixture('ca/pki-trusted-root.json') });
    expect(json.signature).to.deep.include({ status: 'verified', method: 'certificate', signer: 'ml-team@example.com' });
    const pem = await readSigningManifest(sig('certificate'), { trustedRootPath: fixture('ca/pki-test-ca.pem'), identity: 'ml-team@example.com', issuer: 'https://issuer.example.test' });
    expect(pem.signature.status).to.equal('verified');
  });

  it('is invalid against an unrelated CA', async () => {
    const m = await readSigningManifest(sig('certificate'), { trustedRootPath: fixture('ca/other-trusted-root.json') });
    expect(m.signature.status).to.equal('invalid');
    expect(m.signature.detail).to.match(/does not verify against the trusted root: .*certificate/);
  });

  it('is invalid without any trust when the payload no longer matches the bundle certificate', async () => {
    const bundle = JSON.parse(readFileSync(sig('keyless'), 'utf-8'));
    const payload = JSON.parse(Buffer.from(bundle.dsseEnvelope.payload, 'base64').toString());
    payload.predicate.resources[0].digest = 'ab'.repeat(32);
    bundle.dsseEnvelope.payload = Buffer.from(JSON.stringify(payload)).toString('base64');
    const { readSigningBytes } = await import('../../../src/integrity/model-signing/read.js');
    const { manifest } = await readSigningBytes(Buffer.from(JSON.stringify(bundle)), 'model.sig', '/m', {});
    expect(manifest.signature.status).to.equal('invalid');
    expect(manifest.signature.detail).to.include("does not verify with the bundle's own certificate");
    expect(manifest.anomalies.map((a) => a.code)).to.deep.equal(['signing/subject-mismatch']);
  });

  it('throws SigningOptionsError for a trusted root that is neither JSON nor PEM', async () => {
    let err: unknown;
    await readSigningManifest(sig('certificate'), { trustedRootPath: fixture('model/model.safetensors') }).catch((e) => (err = e));
    expect(err).to.be.instanceOf(SigningOptionsError);
  });
});

describe('model-signing: the signature file itself', () => {
  it('reports a missing signature file as an anomaly, not an exception', async () => {
    const m = await readSigningManifest(fixture('model/absent.sig'), {});
    expect(m.anomalies.map((a) => a.code)).to.deep.equal(['signing/malformed']);
    expect(m.signature).to.deep.include({ status: 'unverified', method: 'unknown', files: 0 });
  });
});
