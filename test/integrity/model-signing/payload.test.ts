/** Hostile and unusual signed statements: each gives the anomaly a verifier's refusal deserves, never an exception. */
import { expect } from 'chai';
import { readSigningBytes } from '../../../src/integrity/model-signing/read.js';
import { KEY, files, resource, sha256, signedBundle, statement, tlogEntryFor, withTlog } from './helpers.js';

const read = async (bytes: Uint8Array, options = {}) => (await readSigningBytes(bytes, 'm/model.sig', '/m', options)).manifest;
const codes = (m: { anomalies: { code: string }[] }): string[] => m.anomalies.map((a) => a.code);

describe('model-signing: the signed statement', () => {
  it('reads a consistent statement with no anomaly and verifies it', async () => {
    const m = await read(signedBundle(statement([resource('a.bin'), resource('sub/b.bin')])), { publicKeyPath: KEY });
    expect(codes(m)).to.deep.equal([]);
    expect(m.files.map((f) => f.path)).to.deep.equal(['a.bin', 'sub/b.bin']);
    expect(m.signature.status).to.equal('verified');
  });

  it('reports a subject digest that is not the digest of the resources', async () => {
    const m = await read(signedBundle(statement([resource('a.bin')], files, 'cd'.repeat(32))), { publicKeyPath: KEY });
    expect(codes(m)).to.deep.equal(['signing/subject-mismatch']);
    expect(m.anomalies[0]!.detail).to.deep.equal({ subject: 'cd'.repeat(32), computed: sha256(Buffer.from(sha256('a.bin'), 'hex')) });
    // The signature itself is fine: the signer made an inconsistent manifest, which model_signing refuses.
    expect(m.signature.status).to.equal('verified');
  });

  for (const name of ['../outside.bin', 'a/../../x', '/etc/passwd', 'C:/Windows/x', '..\\..\\x', '\\\\server\\share']) {
    it(`reports ${JSON.stringify(name)} as a path escaping the model folder and never lists it`, async () => {
      const m = await read(signedBundle(statement([resource('ok.bin'), resource(name)])));
      expect(codes(m)).to.deep.equal(['signing/path-escape']);
      expect(m.files.map((f) => f.path)).to.deep.equal(['ok.bin']);
    });
  }

  it('normalises names as PurePosixPath does', async () => {
    const m = await read(signedBundle(statement([resource('./a//b.bin')])));
    expect(m.files.map((f) => f.path)).to.deep.equal(['a/b.bin']);
  });

  it('reports digests in an algorithm other than SHA-256 as unsupported, counted, and still checks the subject', async () => {
    const blake = { name: 'w.bin', algorithm: 'blake2b', digest: 'ab'.repeat(64) };
    const m = await read(signedBundle(statement([resource('a.bin'), blake, { ...blake, name: 'v.bin' }])));
    expect(codes(m)).to.deep.equal(['signing/unsupported']);
    expect(m.anomalies[0]!.detail).to.deep.equal({ algorithm: 'blake2b', count: 2 });
    expect(m.files.map((f) => f.path)).to.deep.equal(['a.bin']);
  });

  it('keeps the last digest of a name listed twice, as model_signing does, and says so', async () => {
    const m = await read(signedBundle(statement([resource('a.bin', 'first'), resource('a.bin', 'second')])));
    expect(codes(m)).to.deep.equal(['signing/malformed']);
    expect(m.files).to.deep.equal([{ path: 'a.bin', sha256: sha256('second') }]);
  });

  it('reports a digest that is not hexadecimal or has the wrong length', async () => {
    const m = await read(signedBundle(statement([{ name: 'a', algorithm: 'sha256', digest: 'xyz' }, { name: 'b', algorithm: 'sha256', digest: 'abcd' }, resource('c')])));
    expect(codes(m)).to.deep.equal(['signing/malformed', 'signing/malformed']);
    expect(m.files.map((f) => f.path)).to.deep.equal(['c']);
  });

  it('requires the serialization fields model_signing requires', async () => {
    const m = await read(signedBundle(statement([resource('a.bin')], { method: 'files', hash_type: 'sha256' })));
    expect(m.anomalies.map((a) => a.message)).to.deep.equal(['serialization.allow_symlinks is missing or not a boolean; model_signing refuses the signature']);
  });

  it('reports an unknown serialization method and an unknown predicate type as unsupported', async () => {
    const method = await read(signedBundle(statement([resource('a.bin')], { method: 'tensors', hash_type: 'sha256', allow_symlinks: false })));
    expect(codes(method)).to.deep.equal(['signing/unsupported']);
    const predicate = await read(signedBundle({ ...statement([resource('a.bin')]), predicateType: 'https://model_signing/signature/v9.9' }));
    expect(codes(predicate)).to.deep.equal(['signing/unsupported']);
    expect(predicate.files).to.deep.equal([]);
  });

  it('reads shard names path:start:end and refuses malformed ones', async () => {
    const shards = { method: 'shards', hash_type: 'sha256', shard_size: 10, allow_symlinks: false };
    const good = await read(signedBundle(statement([resource('w.bin:0:10'), resource('w.bin:10:15')], shards)));
    expect(codes(good)).to.deep.equal([]);
    expect(good.shards.map((s) => [s.path, s.start, s.end])).to.deep.equal([
      ['w.bin', 0, 10],
      ['w.bin', 10, 15],
    ]);
    for (const name of ['w.bin', 'w.bin:0', 'a:b:0:1', 'w.bin:-1:3', 'w.bin:5:5', 'w.bin:x:3', 'w.bin:0:99999999999999999999']) {
      const m = await read(signedBundle(statement([resource(name)], shards)));
      expect(codes(m), name).to.deep.equal(['signing/malformed']);
      expect(m.shards, name).to.deep.equal([]);
    }
    const escape = await read(signedBundle(statement([resource('../w.bin:0:3')], shards)));
    expect(codes(escape)).to.deep.equal(['signing/path-escape']);
  });

  it('reports ignore paths that escape the folder or ignore all of it', async () => {
    const m = await read(signedBundle(statement([resource('a.bin')], { ...files, ignore_paths: ['../x', '.', 'docs'] })));
    expect(codes(m)).to.deep.equal(['signing/path-escape', 'signing/malformed']);
    expect(m.ignorePaths).to.include('docs').and.include('model.sig').and.include('.git');
  });

  it('reports a manifest that lists nothing', async () => {
    const m = await read(signedBundle(statement([])));
    expect(m.anomalies.map((a) => a.message)).to.deep.equal(['the signing manifest lists no file, so it vouches for nothing']);
  });

  it('reads the v0.2 predicate (one subject per file)', async () => {
    const legacy = {
      _type: 'https://in-toto.io/Statement/v1',
      subject: [{ name: 'a.bin', digest: { sha256: sha256('a') } }, { name: 'b/c.bin', digest: { sha256: sha256('c') } }],
      predicateType: 'https://model_signing/Digests/v0.1',
      predicate: { unused: 'Unused, just passed due to API requirements' },
    };
    const m = await read(signedBundle(legacy));
    expect(codes(m)).to.deep.equal([]);
    expect(m.files).to.deep.equal([
      { path: 'a.bin', sha256: sha256('a') },
      { path: 'b/c.bin', sha256: sha256('c') },
    ]);
  });

  it('verifies a signature over model_signing 0.2\'s mistaken pre-authentication encoding', async () => {
    const m = await read(signedBundle(statement([resource('a.bin')]), { compat: true }), { publicKeyPath: KEY });
    expect(m.signature.status).to.equal('verified');
    expect(m.signature.detail).to.include('model_signing 0.2 encoding');
  });

  it('reports payloads that are not an in-toto statement', async () => {
    expect(codes(await read(signedBundle('not json')))).to.deep.equal(['signing/malformed']);
    expect(codes(await read(signedBundle('[1,2]')))).to.deep.equal(['signing/malformed']);
    const notInToto = await read(signedBundle(statement([resource('a')]), { payloadType: 'text/plain' }));
    expect(codes(notInToto)).to.deep.equal(['signing/malformed']);
    const v01 = await read(signedBundle({ ...statement([resource('a')]), _type: 'https://in-toto.io/Statement/v0.1' }));
    expect(codes(v01)).to.deep.equal(['signing/malformed']);
  });

  it('does not let hostile keys pollute prototypes', async () => {
    const hostile = `{"_type":"https://in-toto.io/Statement/v1","__proto__":{"polluted":1},"subject":[{"name":"m","digest":{"sha256":"${sha256(Buffer.from(sha256('a'), 'hex'))}"}}],"predicateType":"https://model_signing/signature/v1.0","predicate":{"constructor":{"prototype":{"polluted":1}},"serialization":{"method":"files","hash_type":"sha256","allow_symlinks":false},"resources":[{"name":"__proto__","algorithm":"sha256","digest":"${sha256('a')}"}]}}`;
    const m = await read(signedBundle(hostile));
    expect(codes(m)).to.deep.equal([]);
    expect(m.files).to.deep.equal([{ path: '__proto__', sha256: sha256('a') }]);
    expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
  });
});

describe('model-signing: transparency-log entries of a key-signed bundle', () => {
  it('checks offline that the entry describes the envelope, and says inclusion was not checked', async () => {
    const bundle = signedBundle(statement([resource('a.bin')]));
    const m = await read(withTlog(bundle, tlogEntryFor(bundle)), { publicKeyPath: KEY });
    expect(m.signature.status).to.equal('verified');
    expect(m.signature.detail).to.include('its inclusion in the log was not checked (no --trusted-root)');
  });

  it('is invalid when the entry describes another payload', async () => {
    const bundle = signedBundle(statement([resource('a.bin')]));
    const m = await read(withTlog(bundle, tlogEntryFor(bundle, true)), { publicKeyPath: KEY });
    expect(m.signature.status).to.equal('invalid');
    expect(m.signature.detail).to.match(/transparency-log entry does not describe this envelope: DSSE payload hash mismatch/);
  });
});
