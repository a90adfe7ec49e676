/** The model-signature handler through the engine: which files it claims and what a scan learns from them. */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { analyseReader, DEFAULT_ANALYSE_OPTIONS } from '../../../src/engine/analyse.js';
import type { ModelSignatureArtifact } from '../../../src/parsers/model-signature/types.js';
import { bufferReader } from '../../../src/sources/readers.js';
import { fixture, sha256, signedBundle, statement, resource } from './helpers.js';

const bytesOf = (dir: string): Uint8Array => new Uint8Array(readFileSync(fixture(`${dir}/model.sig`)));
const analyse = (bytes: Uint8Array, path: string, options = DEFAULT_ANALYSE_OPTIONS) => analyseReader(bufferReader(bytes), path, 0, options);

describe('model-signature handler', () => {
  it('reads model.sig into a model-signature artifact with the signed files and an unverified status', async () => {
    const a = (await analyse(bytesOf('model'), 'm/model.sig')) as ModelSignatureArtifact;
    expect(a.format).to.equal('model-signature');
    expect(a.anomalies).to.deep.equal([]);
    expect(a.signature).to.deep.include({ status: 'unverified', method: 'public-key', files: 2 });
    expect(a.manifest).to.deep.include({ predicateType: 'https://model_signing/signature/v1.0', modelName: 'model', method: 'files', hashType: 'sha256', shards: 0 });
    expect(a.manifest!.files).to.deep.equal([
      { path: 'config.json', sha256: sha256(readFileSync(fixture('model/config.json'))) },
      { path: 'model.safetensors', sha256: sha256(readFileSync(fixture('model/model.safetensors'))) },
    ]);
  });

  it('finds an altered keyless payload invalid without any trust material', async () => {
    const bundle = JSON.parse(Buffer.from(bytesOf('keyless')).toString());
    const payload = JSON.parse(Buffer.from(bundle.dsseEnvelope.payload, 'base64').toString());
    payload.subject[0].name = 'renamed';
    bundle.dsseEnvelope.payload = Buffer.from(JSON.stringify(payload)).toString('base64');
    const a = (await analyse(Buffer.from(JSON.stringify(bundle)), 'model.sig')) as ModelSignatureArtifact;
    expect(a.signature.status).to.equal('invalid');
    expect(a.signature.signer).to.equal('modelvet-test@example.com');
  });

  it('claims other signature names only when their content is a model-signing bundle', async () => {
    expect((await analyse(bytesOf('shards'), 'release/weights.sigstore.json')).format).to.equal('model-signature');
    expect((await analyse(bytesOf('shards'), 'release/weights.sig')).format).to.equal('model-signature');
    // A GPG detached signature and a sigstore bundle over something else are not model signatures.
    expect((await analyse(new Uint8Array([0x89, 0x01, 0x33, 0x04, 0x00]), 'file.sig')).format).to.equal('unknown');
    const other = signedBundle({ _type: 'https://in-toto.io/Statement/v1', subject: [{ name: 'x.whl', digest: { sha256: sha256('x') } }], predicateType: 'https://slsa.dev/provenance/v1', predicate: {} });
    const a = await analyse(other, 'pkg.whl.sigstore.json');
    expect(a.format).to.equal('unknown');
    expect(a.anomalies).to.deep.equal([]);
  });

  it('reports a model.sig that is not a bundle, fail closed', async () => {
    for (const bytes of [Buffer.from('not json'), Buffer.from('{}'), Buffer.alloc(0), Buffer.from('{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json"}')]) {
      const a = (await analyse(bytes, 'model.sig')) as ModelSignatureArtifact;
      expect(a.format).to.equal('model-signature');
      expect(a.anomalies.map((x) => x.code)).to.deep.equal(['signing/malformed']);
      expect(a.signature).to.deep.include({ status: 'unverified', files: 0 });
    }
  });

  it('does not read a signature file over the JSON limit', async () => {
    const a = (await analyse(signedBundle(statement([resource('a.bin')])), 'model.sig', { ...DEFAULT_ANALYSE_OPTIONS, maxJsonBytes: 100 })) as ModelSignatureArtifact;
    expect(a.anomalies.map((x) => x.code)).to.deep.equal(['signing/limit']);
    expect(a.anomalies[0]!.message).to.match(/over the 100-byte limit/);
  });
});
