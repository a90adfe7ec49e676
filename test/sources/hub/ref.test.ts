import { expect } from 'chai';
import fc from 'fast-check';
import { formatHubRef, parseHubRef } from '../../../src/sources/hub/ref.js';
import type { HubRef } from '../../../src/sources/hub/types.js';

const HF = 'https://huggingface.co';
const SHA = '0123456789abcdef0123456789abcdef01234567';

const ACCEPTED: Array<[string, HubRef]> = [
  ['hf:acme/tiny', { repo: 'acme/tiny', repoType: 'model' }],
  ['hf:acme/tiny@main', { repo: 'acme/tiny', repoType: 'model', revision: 'main' }],
  [`hf:acme/tiny@${SHA}`, { repo: 'acme/tiny', repoType: 'model', revision: SHA }],
  ['hf:acme/tiny@v1.0.0', { repo: 'acme/tiny', repoType: 'model', revision: 'v1.0.0' }],
  ['hf:acme/tiny@refs/pr/1', { repo: 'acme/tiny', repoType: 'model', revision: 'refs/pr/1' }],
  ['hf:datasets/acme/data', { repo: 'acme/data', repoType: 'dataset' }],
  ['hf:datasets/acme/data@v2', { repo: 'acme/data', repoType: 'dataset', revision: 'v2' }],
  ['hf:spaces/acme/demo', { repo: 'acme/demo', repoType: 'space' }],
  ['hf:gpt2', { repo: 'gpt2', repoType: 'model' }],
  ['acme/tiny', { repo: 'acme/tiny', repoType: 'model' }],
  ['meta-llama/Llama-3.1-8B@main', { repo: 'meta-llama/Llama-3.1-8B', repoType: 'model', revision: 'main' }],
  ['  acme/tiny  ', { repo: 'acme/tiny', repoType: 'model' }],
  [`${HF}/acme/tiny`, { repo: 'acme/tiny', repoType: 'model', endpoint: HF }],
  [`${HF}/acme/tiny/`, { repo: 'acme/tiny', repoType: 'model', endpoint: HF }],
  ['https://hf.co/acme/tiny', { repo: 'acme/tiny', repoType: 'model', endpoint: HF }],
  [`${HF}/acme/tiny/tree/main`, { repo: 'acme/tiny', repoType: 'model', revision: 'main', endpoint: HF }],
  [`${HF}/acme/tiny/tree/refs%2Fpr%2F1`, { repo: 'acme/tiny', repoType: 'model', revision: 'refs/pr/1', endpoint: HF }],
  [`${HF}/acme/tiny/tree/main/onnx`, { repo: 'acme/tiny', repoType: 'model', revision: 'main', path: 'onnx', endpoint: HF }],
  [`${HF}/acme/tiny/blob/${SHA}/sub/model.safetensors`, { repo: 'acme/tiny', repoType: 'model', revision: SHA, path: 'sub/model.safetensors', endpoint: HF }],
  [`${HF}/acme/tiny/resolve/main/config.json?download=true`, { repo: 'acme/tiny', repoType: 'model', revision: 'main', path: 'config.json', endpoint: HF }],
  [`${HF}/acme/tiny/commit/${SHA}`, { repo: 'acme/tiny', repoType: 'model', revision: SHA, endpoint: HF }],
  [`${HF}/datasets/acme/data`, { repo: 'acme/data', repoType: 'dataset', endpoint: HF }],
  [`${HF}/datasets/acme/data/tree/v2`, { repo: 'acme/data', repoType: 'dataset', revision: 'v2', endpoint: HF }],
  [`${HF}/spaces/acme/demo/blob/main/app.py`, { repo: 'acme/demo', repoType: 'space', revision: 'main', path: 'app.py', endpoint: HF }],
  ['https://hf-mirror.com/acme/tiny', { repo: 'acme/tiny', repoType: 'model', endpoint: 'https://hf-mirror.com' }],
  ['http://127.0.0.1:8080/acme/tiny/tree/main', { repo: 'acme/tiny', repoType: 'model', revision: 'main', endpoint: 'http://127.0.0.1:8080' }],
];

const REFUSED: string[] = [
  '',
  'hf:',
  'tiny',
  './acme/tiny',
  '/abs/acme/tiny',
  'acme/tiny/extra',
  'datasets/acme/data',
  'hf:models/acme/tiny',
  'hf:datasets/data',
  'acme/../tiny',
  'acme/ti--ny',
  'acme/tiny.git',
  'acme/-tiny',
  'acme/tiny.',
  'acme /tiny',
  'acme/tiny@',
  'acme/tiny@feature/x',
  'acme/tiny@main..x',
  'acme/tiny@-rf',
  'acme/tiny@a b',
  'acme/tiny@x.lock',
  'acme/tiny@refs/pr/',
  'acme/tiny@refs//pr',
  `acme/${'x'.repeat(97)}`,
  'C:\\models\\tiny',
  'ftp://huggingface.co/acme/tiny',
  `${HF}/acme`,
  `${HF}/models/tiny`,
  `${HF}/docs/hub`,
  `${HF}/acme/tiny/settings`,
  `${HF}/acme/tiny/blob/main`,
  `${HF}/acme/tiny/tree/main/../secret`,
  `${HF}/acme/tiny/tree/refs/pr/1`.replace('tree/refs/pr/1', 'tree/refs%2Fpr%2F/x'),
  `${HF}/acme/tiny/commit/main`,
  `${HF}/acme//tiny`,
  `${HF}/acme/tiny/tree/%E0%A4%A`,
  'https://user:pw@huggingface.co/acme/tiny',
];

describe('parseHubRef', () => {
  for (const [input, expected] of ACCEPTED) {
    it(`reads ${JSON.stringify(input)}`, () => {
      expect(parseHubRef(input)).to.deep.equal(expected);
    });
  }

  for (const input of REFUSED) {
    it(`refuses ${JSON.stringify(input)}`, () => {
      expect(parseHubRef(input)).to.equal(undefined);
    });
  }

  it('writes references back in hf: form', () => {
    expect(formatHubRef({ repo: 'acme/tiny', repoType: 'model' })).to.equal('hf:acme/tiny');
    expect(formatHubRef({ repo: 'acme/data', repoType: 'dataset', revision: 'v2' })).to.equal('hf:datasets/acme/data@v2');
    expect(formatHubRef({ repo: 'acme/demo', repoType: 'space' })).to.equal('hf:spaces/acme/demo');
  });

  it('round-trips what it writes', () => {
    for (const text of ['hf:acme/tiny@refs/pr/1', 'hf:datasets/acme/data@v2', `hf:spaces/acme/demo@${SHA}`]) {
      expect(formatHubRef(parseHubRef(text)!)).to.equal(text);
    }
  });

  it('never throws, and whatever it accepts is Hub repo id syntax with a safe revision and path', () => {
    const piece = fc.constantFrom('hf:', 'datasets/', 'spaces/', 'acme', 'tiny', '/', '@', 'refs/pr/1', '..', '--', '.git', '%2F', '%2e', 'https://huggingface.co/', 'tree/', 'blob/', 'main', ' ', '\\', '\u0000');
    const input = fc.oneof(fc.string(), fc.array(piece, { maxLength: 10 }).map((p) => p.join('')));
    fc.assert(
      fc.property(input, (text) => {
        const ref = parseHubRef(text);
        if (ref === undefined) return;
        expect(ref.repo).to.match(/^([A-Za-z0-9_][A-Za-z0-9_.-]*\/)?[A-Za-z0-9_][A-Za-z0-9_.-]*$/);
        expect(ref.repo).to.not.include('..');
        if (ref.revision !== undefined) expect(ref.revision).to.match(/^[A-Za-z0-9._+\-/]+$/).and.not.include('..');
        if (ref.path !== undefined) expect(ref.path.split('/')).to.not.include('..');
      }),
      { numRuns: 2000 },
    );
  });
});
