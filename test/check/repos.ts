/** Fake Hub repos for the `check` tests, built from the real fixtures (never loaded, only served). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FakeFile, FakeRepo, GeneratedContent } from '../helpers/fake-hub.js';

export const fixture = (rel: string): string => fileURLToPath(new URL(`../fixtures/${rel}`, import.meta.url));
export const example = (rel: string): string => fileURLToPath(new URL(`../../examples/${rel}`, import.meta.url));

export const BERT = 'b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1';
export const EVIL = 'e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0';
export const BIG = 'b16b16b16b16b16b16b16b16b16b16b16b16b16b';
export const RAW = 'aaaa0000aaaa0000aaaa0000aaaa0000aaaa0000';
export const GATED = '9a7ed9a7ed9a7ed9a7ed9a7ed9a7ed9a7ed9a7ed';
export const TOKEN = 'hf_check_test_token_0123456789abcdef';

const file = (path: string, source: string, lfs = false): FakeFile => ({ path, content: readFileSync(source), lfs });

/** The tiny BERT transformers wrote (safetensors and a pytorch_model.bin), with a card. */
export function bertRepo(): FakeRepo {
  const dir = 'benign/transformers-bert-tiny';
  return {
    id: 'acme/bert-tiny',
    info: { pipeline_tag: 'fill-mask', library_name: 'transformers', tags: ['transformers', 'license:mit'], cardData: { license: 'mit' } },
    securityStatus: { scansDone: true, filesWithIssues: [] },
    commits: [
      {
        sha: BERT,
        branch: 'main',
        files: [
          file('config.json', fixture(`${dir}/config.json`)),
          file('model.safetensors', fixture(`${dir}/model.safetensors`), true),
          file('pytorch_model.bin', fixture(`${dir}/pytorch_model.bin`), true),
          { path: 'README.md', content: '---\nlicense: mit\nbase_model: google-bert/bert-base-uncased\n---\n# tiny\n' },
        ],
      },
    ],
  };
}

/** A checkpoint whose pickle calls os.getcwd, custom code, no licence, and a Hub scan that flags it. */
export function evilRepo(): FakeRepo {
  return {
    id: 'evil-org/getcwd',
    securityStatus: { scansDone: true, filesWithIssues: [{ path: 'pytorch_model.bin', level: 'unsafe' }] },
    commits: [
      {
        sha: EVIL,
        branch: 'main',
        tags: ['v1'],
        files: [
          file('pytorch_model.bin', example('malicious/getcwd-reduce.pt'), true),
          { path: 'config.json', content: JSON.stringify({ model_type: 'evil', auto_map: { AutoModel: 'modeling_evil.EvilModel' } }) },
          { path: 'modeling_evil.py', content: 'import os\nclass EvilModel:\n    pass\n' },
          { path: 'README.md', content: '# no card data\n' },
        ],
      },
    ],
  };
}

/** `u64le(N) ++ header ++ data` with `count` tensors of `elements` F32 each; the data is generated, not held. */
export function largeSafetensors(count: number, elements: number): { content: GeneratedContent; headerLength: number } {
  const header: Record<string, unknown> = { __metadata__: { format: 'pt' } };
  for (let i = 0; i < count; i++) header[`layer.${i}.weight`] = { dtype: 'F32', shape: [elements], data_offsets: [i * elements * 4, (i + 1) * elements * 4] };
  let text = JSON.stringify(header);
  text += ' '.repeat((8 - (text.length % 8)) % 8);
  const head = Buffer.alloc(8 + text.length);
  head.writeBigUInt64LE(BigInt(text.length));
  head.write(text, 8, 'utf8');
  const size = head.length + count * elements * 4;
  return {
    headerLength: text.length,
    content: {
      size,
      // A fixed digest: the listing needs one, and hashing a gigabyte per test run is wasted time.
      sha256: 'c'.repeat(64),
      generate(offset, length) {
        const out = new Uint8Array(length);
        if (offset < head.length) out.set(head.subarray(offset, Math.min(head.length, offset + length)));
        return out;
      },
    },
  };
}

/** A protocol-2 pickle that calls os.getcwd first, then `filler` bytes of EMPTY_LIST/POP pairs, then STOP. */
export function longPickle(filler: number): Buffer {
  const start = Buffer.from('\x80\x02cos\ngetcwd\n)R0', 'latin1');
  const pairs = Buffer.alloc(filler - (filler % 2), ']0');
  return Buffer.concat([start, pairs, Buffer.from('N.', 'latin1')]);
}

export function bigRepo(): FakeRepo {
  const { content } = largeSafetensors(16, 16 * 1024 * 1024); // 1 GiB of F32
  return {
    id: 'acme/big',
    commits: [{ sha: BIG, branch: 'main', files: [{ path: 'model.safetensors', content, lfs: true }, { path: 'config.json', content: '{"model_type":"big"}' }] }],
  };
}

export function rawRepo(): FakeRepo {
  return {
    id: 'acme/raw',
    info: { cardData: { license: 'apache-2.0' } },
    commits: [{ sha: RAW, branch: 'main', files: [{ path: 'model.pkl', content: longPickle(3 * 1024 * 1024), lfs: true }] }],
  };
}

export function gatedRepo(): FakeRepo {
  return {
    id: 'acme/gated',
    gated: 'manual',
    grantedTokens: [TOKEN],
    info: { cardData: { license: 'llama3.2' } },
    commits: [{ sha: GATED, branch: 'main', files: [{ path: 'config.json', content: '{"model_type":"llama"}' }, { path: 'model.safetensors', content: readFileSync(fixture('benign/transformers-bert-tiny/model.safetensors')), lfs: true }] }],
  };
}

export const GGUF = '66af66af66af66af66af66af66af66af66af66af';

/** A GGUF whose chat template reaches `__globals__`, padded to 256 MiB as if its tensors followed. */
export function ggufRepo(): FakeRepo {
  const head = readFileSync(fixture('malicious/gguf/ssti-chat-template-globals.gguf'));
  const size = 256 * 1024 * 1024;
  const content: GeneratedContent = {
    size,
    sha256: 'd'.repeat(64),
    generate(offset, length) {
      const out = new Uint8Array(length);
      if (offset < head.length) out.set(head.subarray(offset, Math.min(head.length, offset + length)));
      return out;
    },
  };
  return { id: 'acme/gguf', info: { cardData: { license: 'mit' } }, commits: [{ sha: GGUF, branch: 'main', files: [{ path: 'model.gguf', content, lfs: true }] }] };
}
