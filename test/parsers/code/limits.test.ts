import { expect } from 'chai';
import { analyseReader } from '../../../src/engine/analyse.js';
import { CODE_CODES } from '../../../src/parsers/code/codes.js';
import { HANDLERS } from '../../../src/parsers/code/handler.js';
import { captureNodes, parseSource } from '../../../src/parsers/code/tree-sitter.js';
import { bufferReader } from '../../../src/sources/readers.js';
import { analyse, lines } from './helpers.js';

describe('source-code parser limits and bad input', () => {
  it('does not read a file over maxJsonBytes, and says so', async () => {
    const text = lines('import torch', 'torch.load("a")');
    const a = await analyse(text, 'big.py', { maxJsonBytes: 10 });
    expect(a.anomalies.map((x) => x.code)).to.deep.equal([CODE_CODES.tooLarge]);
    expect(a.anomalies[0]!.detail).to.deep.equal({ size: text.length, limit: 10 });
    expect(a.code.calls).to.deep.equal([]);
    expect(a.modelRefs).to.deep.equal([]);
  });

  it('reports a file that is not text in its encoding as malformed', async () => {
    const notUtf8 = new Uint8Array([0x69, 0x6d, 0x70, 0xff, 0xfe, 0x0a]);
    for (const name of ['a.py', 'a.js', 'a.ipynb', 'a.tsx']) {
      const a = await analyse(notUtf8, name);
      expect(a.anomalies.map((x) => x.code), name).to.deep.equal([CODE_CODES.malformed]);
      expect(a.code.calls).to.deep.equal([]);
    }
    const unknownCodec = await analyse('# coding: no-such-codec\nimport torch\n', 'c.py');
    expect(unknownCodec.anomalies.map((x) => [x.code, x.detail?.['encoding']])).to.deep.equal([[CODE_CODES.malformed, 'no-such-codec']]);
  });

  it('abandons a parse past its time budget, and the next parse starts afresh', async () => {
    const text = 'x = [1, 2, 3]\n'.repeat(50_000);
    expect(await parseSource('python', text, -1)).to.deep.equal({ timedOut: true });
    const again = await parseSource('python', 'import torch\n');
    if (!('tree' in again)) throw new Error('expected a tree');
    try {
      expect(again.tree.rootNode.hasError).to.equal(false);
      expect(again.tree.rootNode.text).to.equal('import torch\n');
      expect(captureNodes(again.tree.rootNode, ['import_statement'], performance.now() + 1000)!.map((c) => c.node.text)).to.deep.equal(['import torch']);
    } finally {
      again.tree.delete();
    }
    const wide = await parseSource('python', text);
    if (!('tree' in wide)) throw new Error('expected a tree');
    try {
      expect(captureNodes(wide.tree.rootNode, ['list'], performance.now() - 1)).to.equal(undefined);
    } finally {
      wide.tree.delete();
    }
  });

  describe('hostile input stays fast', () => {
    const cases: Array<[string, string, string]> = [
      ['deep parentheses', 'deep.py', `x = ${'('.repeat(100_000)}1${')'.repeat(100_000)}\n`],
      ['nested interesting calls', 'nest.py', `from transformers import AutoModel as M\n${'M.from_pretrained('.repeat(5_000)}"a/b"${')'.repeat(5_000)}\n`],
      ['a long attribute chain', 'chain.py', `a${'.b'.repeat(50_000)}.from_pretrained("x/y")\n`],
      ['a long + chain', 'concat.py', `import torch\nx = "a"${' + "a"'.repeat(50_000)}\ntorch.load(x)\n`],
      ['a wide error node', 'wide.js', `${'['.repeat(200_000)}\n`],
      ['a huge constant used by many calls', 'const.py', `X = "${'a'.repeat(1_000_000)}"\nimport torch\n${'torch.load(X)\n'.repeat(10_000)}`],
      ['many syntax errors', 'errors.py', 'def f(:\n'.repeat(20_000)],
      ['a deep assignment target', 'target.py', `x = 0\n${'('.repeat(20_000)}a${')'.repeat(20_000)} = 1\nfor ${'['.repeat(20_000)}b${']'.repeat(20_000)} in c: pass\n`],
      ['a deep destructuring', 'destructure.js', `const ${'['.repeat(20_000)}a${']'.repeat(20_000)} = x;\nfunction f(${'{a:'.repeat(10_000)}b${'}'.repeat(10_000)}) {}\n`],
      ['deeply spread options', 'spread.mjs', `import { pipeline } from '@huggingface/transformers';\npipeline('t', 'o/n', ${'{...'.repeat(20_000)}{}${'}'.repeat(20_000)});\n`],
    ];
    for (const [label, name, text] of cases) {
      it(label, async () => {
        const started = performance.now();
        const a = await analyse(text, name);
        expect(a.anomalies).to.deep.equal([]);
        expect(performance.now() - started).to.be.lessThan(8000);
      });
    }

    it('keeps values and callees short', async () => {
      const a = await analyse(`X = "${'a'.repeat(1_000_000)}"\nimport torch\ntorch.load(X, y=${'z'.repeat(5000)})\na${'.b'.repeat(100)}.from_pretrained("o/n")\n`, 'short.py');
      expect(a.code.calls[0]!.args[0]).to.deep.equal({ kind: 'unknown', text: 'X' });
      const y = a.code.calls[0]!.kwargs.get('y');
      expect(y?.kind === 'unknown' && y.text.length).to.equal(200);
      expect(a.code.calls[1]!.callee).to.equal('?.from_pretrained');
      expect(a.code.calls[1]!.written.length).to.equal(200);
    });
  });

  describe('detection', () => {
    it('claims source files by name, and leaves MPEG transport streams named .ts alone', () => {
      const sniff = (name: string, head = new Uint8Array(0)) => HANDLERS.find((h) => h.sniff({ name, head, size: head.length }))?.format;
      expect(['a.py', 'b.pyw', 'c.pyi', 'n.ipynb', 'd.js', 'e.mjs', 'f.cjs', 'g.jsx', 'h.ts', 'i.mts', 'j.cts', 'k.tsx', 'UPPER.PY'].map((n) => sniff(n))).to.deep.equal([
        'python-source',
        'python-source',
        'python-source',
        'notebook',
        ...Array(8).fill('javascript-source'),
        'python-source',
      ]);
      expect(sniff('model.pt')).to.equal(undefined);
      expect(sniff('.py')).to.equal(undefined);
      const ts = new Uint8Array(376);
      ts[0] = 0x47;
      ts[188] = 0x47;
      expect(sniff('clip.ts', ts)).to.equal(undefined);
    });

    it('reads a pickle saved under a .py name as the pickle it is', async () => {
      // protocol 2: GLOBAL os.getcwd, EMPTY_TUPLE, REDUCE, STOP
      const pickle = new Uint8Array([0x80, 0x02, ...new TextEncoder().encode('cos\ngetcwd\n'), 0x29, 0x52, 0x2e]);
      const a = await analyseReader(bufferReader(pickle), 'evil.py');
      expect(a.format).to.equal('pickle');
    });
  });
});
