import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CODE_CODES } from '../../../src/parsers/code/codes.js';
import { cellLocation, notebookModule } from '../../../src/parsers/code/notebook.js';
import { analyse, callTo, kwargsOf, str } from './helpers.js';

const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(fileURLToPath(new URL(`../../fixtures/code-parser/${name}`, import.meta.url))));

/** An nbformat 4 notebook of the given cells (strings are code cells). */
function notebook(cells: Array<string | string[] | { markdown: string }>, metadata: Record<string, unknown> = { kernelspec: { language: 'python', name: 'python3' } }): string {
  return JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata,
    cells: cells.map((c) => (typeof c === 'object' && !Array.isArray(c) ? { cell_type: 'markdown', metadata: {}, source: c.markdown } : { cell_type: 'code', metadata: {}, execution_count: null, outputs: [], source: c })),
  });
}

describe('notebooks', () => {
  it('reads the code cells of an nbformat notebook as one module, locating calls by cell and line', async () => {
    const a = await analyse(fixture('analysis.ipynb'), 'analysis.ipynb');
    expect(a.format).to.equal('notebook');
    expect(a.anomalies).to.deep.equal([]);
    expect(a.code.cells).to.equal(4);
    expect(a.code.imports).to.deep.equal(['torch', 'transformers']);
    expect(a.code.syntaxErrors).to.equal(0);
    // Cell 1 imports and binds MODEL; code cell 3 (after a %%bash cell, which is not Python) uses them.
    const tok = callTo(a, 'transformers.AutoTokenizer.from_pretrained');
    expect(tok.location).to.deep.equal({ cell: 3, line: 3, column: 7 });
    expect(tok.args).to.deep.equal([str('meta-llama/Llama-3.2-1B')]);
    const lm = callTo(a, 'transformers.AutoModelForCausalLM.from_pretrained');
    expect(lm.location).to.deep.equal({ cell: 3, line: 4, column: 9 });
    expect(kwargsOf(lm)).to.deep.equal({ revision: str('0123456789abcdef0123456789abcdef01234567'), trust_remote_code: { kind: 'bool', value: true } });
    // A %%time cell runs its body as Python; `!echo` inside the loop keeps the block's shape.
    expect(callTo(a, 'torch.load').location).to.deep.equal({ cell: 4, line: 4, column: 13 });
    expect(a.modelRefs!.map((r) => [r.repo, r.revision.kind, r.location])).to.deep.equal([
      ['meta-llama/Llama-3.2-1B', 'absent', { cell: 3, line: 3, column: 7 }],
      ['meta-llama/Llama-3.2-1B', 'literal', { cell: 3, line: 4, column: 9 }],
    ]);
  });

  it('reads nbformat 3 worksheets', async () => {
    const a = await analyse(fixture('legacy-v3.ipynb'), 'legacy-v3.ipynb');
    expect(a.code.cells).to.equal(1);
    expect(callTo(a, 'pickle.load').location).to.deep.equal({ cell: 1, line: 3, column: 11 });
  });

  it('reads nothing from a notebook of another kernel language', async () => {
    const a = await analyse(fixture('r-kernel.ipynb'), 'r-kernel.ipynb');
    expect(a.anomalies).to.deep.equal([]);
    expect(a.code.calls).to.deep.equal([]);
    expect(a.modelRefs).to.deep.equal([]);
    expect(a.code.cells).to.equal(1);
  });

  it('neutralises magics, shell lines, shell assignments and help without moving other lines', () => {
    const m = notebookModule(notebook([['%load_ext autoreload\n', '  !ls\n', 'x = !ls\n', 'a, b = %sx ls\n', 'obj?\n', '??obj\n', 'y = 5 % 3\n', 'z = "!"'], '%%writefile a.py\nimport torch\n']));
    if ('anomaly' in m) throw new Error('unexpected anomaly');
    expect(m.text.split('\n')).to.deep.equal(['pass', '  pass', 'pass', 'pass', 'pass', 'pass', 'y = 5 % 3', 'z = "!"', '', '', '', '']);
    expect(m.cellStarts).to.deep.equal([0, 8]);
  });

  it('maps module lines to cells, counting code cells only', async () => {
    const a = await analyse(notebook(['import torch', { markdown: 'torch.load("not code")' }, '', ['x = 1\n', '\n', 'torch.load("c")']]), 'map.ipynb');
    expect(a.code.cells).to.equal(3);
    expect(callTo(a, 'torch.load').location).to.deep.equal({ cell: 3, line: 3, column: 1 });
    expect(cellLocation({ line: 1, column: 4 }, [0, 1, 2])).to.deep.equal({ cell: 1, line: 1, column: 4 });
    expect(cellLocation({ line: 3, column: 1 }, [0, 2, 2, 5])).to.deep.equal({ cell: 3, line: 1, column: 1 });
  });

  it('reports JSON that is not a notebook as malformed, with no calls', async () => {
    for (const [text, problem] of [
      ['{"cells": [', 'json'],
      ['[1, 2]', 'structure'],
      ['{"nbformat": 4}', 'structure'],
    ] as const) {
      const a = await analyse(text, 'bad.ipynb');
      expect(a.anomalies.map((x) => [x.code, x.detail?.['problem']]), text).to.deep.equal([[CODE_CODES.malformed, problem]]);
      expect(a.code.calls).to.deep.equal([]);
    }
  });

  it('reports a cell whose source is not text, and still reads the others', async () => {
    const cells = [
      { cell_type: 'code', metadata: {}, source: { bad: true } },
      { cell_type: 'code', metadata: {}, source: ['import pickle\n', 'pickle.loads(b)'] },
    ];
    const a = await analyse(JSON.stringify({ nbformat: 4, metadata: {}, cells }), 'cell.ipynb');
    expect(a.anomalies.map((x) => x.code)).to.deep.equal([CODE_CODES.malformed]);
    expect(a.anomalies[0]!.message).to.match(/code cell 1/);
    expect(callTo(a, 'pickle.loads').location).to.deep.equal({ cell: 2, line: 2, column: 1 });
  });

  it('does not let a hostile key pollute prototypes', async () => {
    const a = await analyse('{"__proto__": {"polluted": 1}, "cells": [{"cell_type": "code", "source": "import torch\\ntorch.load(x)", "constructor": 1}], "metadata": {"__proto__": {"kernelspec": {"language": "r"}}}}', 'proto.ipynb');
    expect(({} as Record<string, unknown>)['polluted']).to.equal(undefined);
    expect(a.code.calls.map((c) => c.callee)).to.deep.equal(['torch.load']);
  });
});
