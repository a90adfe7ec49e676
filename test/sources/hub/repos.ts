/** Fake Hub repos shared by the Hub source tests. */
import { createHash } from 'node:crypto';
import { generatedContent, type FakeRepo } from '../../helpers/fake-hub.js';

export const OLD = '1111111111111111111111111111111111111111';
export const MAIN = '0123456789abcdef0123456789abcdef01234567';
export const PR = 'feedfacefeedfacefeedfacefeedfacefeedface';
export const TOKEN = 'hf_fake_valid_token';

/** `u64le(N) ++ JSON header ++ data`, the layout `parseSafetensorsMetadata` reads. */
export function safetensors(): Buffer {
  const header = Buffer.from(
    JSON.stringify({ __metadata__: { format: 'pt' }, 'w.weight': { dtype: 'F32', shape: [4, 4], data_offsets: [0, 64] } }),
  );
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(header.length));
  return Buffer.concat([len, header, Buffer.alloc(64, 1)]);
}

export const CONFIG = '{"model_type":"bert","architectures":["BertForMaskedLM"]}\n';
export const README = '---\nlicense: mit\n---\n# tiny\n';

export function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

export function gitBlobOid(data: Buffer | string): string {
  const buf = Buffer.from(data);
  return createHash('sha1').update(`blob ${buf.length}\0`).update(buf).digest('hex');
}

/** acme/tiny: an old tagged commit, `main`, and a PR branch `refs/pr/1`; LFS and non-LFS files, a sub-folder. */
export function tinyRepo(): FakeRepo {
  const weights = safetensors();
  return {
    id: 'acme/tiny',
    info: { pipeline_tag: 'fill-mask', library_name: 'transformers' },
    commits: [
      { sha: OLD, tags: ['v1'], files: [{ path: 'config.json', content: '{"model_type":"bert"}\n' }] },
      {
        sha: MAIN,
        branches: ['main'],
        tags: ['v2'],
        files: [
          { path: 'README.md', content: README },
          { path: 'config.json', content: CONFIG },
          { path: 'model.safetensors', content: weights, lfs: true },
          { path: 'sub/extra.bin', content: generatedContent(300_000, 7), lfs: true },
          { path: 'sub/notes.txt', content: 'notes\n' },
          { path: 'empty/__init__.py', content: '' },
        ],
      },
      { sha: PR, branches: ['refs/pr/1'], files: [{ path: 'config.json', content: '{"model_type":"evil"}\n' }] },
    ],
  };
}

/** A checkpoint generated on the fly; its SHA-256 is given so listing it never hashes a gigabyte. */
export const BIG_SIZE = 1024 * 1024 * 1024;
export const BIG_SHA = 'b'.repeat(64);

export function bigRepo(): FakeRepo {
  return {
    id: 'acme/big',
    commits: [{ sha: 'b'.repeat(40), branches: ['main'], files: [{ path: 'model.bin', content: { ...generatedContent(BIG_SIZE, 3), sha256: BIG_SHA }, lfs: true }] }],
  };
}
