import { expect } from 'chai';
import fc from 'fast-check';
import { analyseReader } from '../../src/engine/analyse.js';
import { bufferReader } from '../../src/sources/readers.js';

/**
 * Detection by name hands arbitrary bytes to a family's parser (a file is what its name says until
 * its content says otherwise): whatever the bytes, every parser answers with an artifact.
 */
const NAMES = [
  'tokenizer_config.json', 'processor_config.json', 'chat_template.jinja', 'model.onnx', 'saved_model.pb', 'saved_model.pbtxt',
  'keras_metadata.pb', 'model.safetensors', 'model.safetensors.index.json', 'model.keras', 'model.h5', 'model.gguf', 'x.tar.gz', 'x.7z', 'x.npy',
];
// Magic prefixes send the bytes to the magic-detected parsers as well.
const PREFIXES = [
  [], [0x47, 0x47, 0x55, 0x46, 3, 0, 0, 0], [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a], [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], [0x1f, 0x8b],
  [0x42, 0x5a, 0x68], [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], [0x04, 0x22, 0x4d, 0x18], [0x50, 0x4b, 0x03, 0x04], [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59],
  [0x10, 0, 0, 0, 0, 0, 0, 0, 0x7b], [0x08, 0x07, 0x12], [0x7b],
].map((p) => Uint8Array.from(p));

describe('engine: any bytes under any model name', () => {
  it('always yields an artifact, never an exception', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...NAMES), fc.constantFrom(...PREFIXES), fc.uint8Array({ maxLength: 3000 }), async (name, prefix, tail) => {
        const bytes = new Uint8Array(prefix.length + tail.length);
        bytes.set(prefix);
        bytes.set(tail, prefix.length);
        const artifact = await analyseReader(bufferReader(bytes), `dir/${name}`);
        expect(artifact.path).to.equal(`dir/${name}`);
        expect(artifact.size).to.equal(bytes.length);
      }),
      { numRuns: 300, seed: 20261121 },
    );
  });
});
