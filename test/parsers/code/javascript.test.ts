import { expect } from 'chai';
import { analyse, callTo, kwargsOf, lines, refsOf, str } from './helpers.js';

const HF = '@huggingface/transformers';
const XENOVA = '@xenova/transformers';

describe('JavaScript and TypeScript source', () => {
  describe('imports of transformers.js', () => {
    const forms: Array<[string, string, string, string]> = [
      ['named ESM', `import { pipeline } from '${HF}';`, 'pipeline("t", "org/a")', `${HF}.pipeline`],
      ['aliased ESM', `import { pipeline as make } from '${HF}';`, 'make("t", "org/a")', `${HF}.pipeline`],
      ['namespace ESM', `import * as T from "${XENOVA}";`, 'T.pipeline("t", "org/a")', `${XENOVA}.pipeline`],
      ['default ESM', `import T from '${HF}';`, 'T.AutoModel.from_pretrained("org/a")', `${HF}.AutoModel.from_pretrained`],
      ['CJS require', `const T = require('${HF}');`, 'T.pipeline("t", "org/a")', `${HF}.pipeline`],
      ['CJS destructured', `const { pipeline: p, AutoTokenizer } = require('${HF}');`, 'p("t", "org/a")', `${HF}.pipeline`],
      ['CJS member', `const AM = require('${HF}').AutoModel;`, 'AM.from_pretrained("org/a")', `${HF}.AutoModel.from_pretrained`],
      ['dynamic import destructured', `const { AutoModel } = await import('${HF}');`, 'AutoModel.from_pretrained("org/a")', `${HF}.AutoModel.from_pretrained`],
      ['dynamic import namespace', `const T = await import('${XENOVA}');`, 'T.pipeline("t", "org/a")', `${XENOVA}.pipeline`],
      ['TS import = require', `import T = require('${HF}');`, 'T.pipeline("t", "org/a")', `${HF}.pipeline`],
    ];
    for (const [label, imp, use, callee] of forms) {
      it(`${label}: ${callee}`, async () => {
        const a = await analyse(lines(imp, `await ${use};`), label.startsWith('TS') ? 'app.ts' : 'app.mjs');
        expect(a.code.calls.map((c) => c.callee)).to.deep.equal([callee]);
        expect(a.code.calls[0]!.location).to.deep.equal({ line: 2, column: 7 });
        expect(refsOf(a).map((r) => [r.repo, r.via])).to.deep.equal([['org/a', callee]]);
      });
    }

    it('lists imported, required, dynamically imported and re-exported modules', async () => {
      const a = await analyse(lines(`import { pipeline } from '${HF}';`, "const fs = require('node:fs');", "const m = await import('./local.js');", "export * from 'other';"), 'mods.mjs');
      expect(a.code.language).to.equal('javascript');
      expect(a.code.imports).to.deep.equal([HF, 'node:fs', './local.js', 'other']);
    });
  });

  describe('calls and options', () => {
    it('reads pipeline(task, model, options) with the options as keyword arguments', async () => {
      const a = await analyse(lines(`import { pipeline } from '${HF}';`, 'const classify = await pipeline(', "  'sentiment-analysis',", "  'Xenova/distilbert-base-uncased',", "  { revision: 'v1', dtype: 'q8', device: 'webgpu' },", ');'), 'p.mjs');
      const call = callTo(a, `${HF}.pipeline`);
      expect(call.location).to.deep.equal({ line: 2, column: 24 });
      expect(call.args).to.deep.equal([str('sentiment-analysis'), str('Xenova/distilbert-base-uncased')]);
      expect(kwargsOf(call)).to.deep.equal({ revision: str('v1'), dtype: str('q8'), device: str('webgpu') });
      expect(refsOf(a)).to.deep.equal([{ repo: 'Xenova/distilbert-base-uncased', repoType: 'model', revision: { kind: 'literal', value: 'v1' }, use: 'download', via: `${HF}.pipeline` }]);
    });

    it('follows const ids and option objects, also from an enclosing scope, and shorthand properties', async () => {
      const a = await analyse(
        lines(
          `import { AutoModel, AutoTokenizer } from '${HF}';`,
          "const MODEL_ID = 'org/' + 'name';",
          "const OPTIONS = { revision: 'abc1234' };",
          'export async function load() {',
          "  const revision = 'v2';",
          '  const m = await AutoModel.from_pretrained(MODEL_ID, OPTIONS);',
          '  const t = await AutoTokenizer.from_pretrained(MODEL_ID, { revision });',
          '}',
        ),
        'c.js',
      );
      expect(a.modelRefs!.map((r) => [r.repo, r.revision, r.location])).to.deep.equal([
        ['org/name', { kind: 'literal', value: 'abc1234' }, { line: 6, column: 19 }],
        ['org/name', { kind: 'literal', value: 'v2' }, { line: 7, column: 19 }],
      ]);
    });

    it('does not follow let bindings that change, nor objects changed in place', async () => {
      const a = await analyse(
        lines(`import { AutoModel } from '${HF}';`, "let id = 'org/a';", "id = 'org/b';", "const opts = { revision: 'v1' };", "opts.revision = 'main';", 'await AutoModel.from_pretrained(id, opts);'),
        'mut.js',
      );
      const call = callTo(a, `${HF}.AutoModel.from_pretrained`);
      expect(call.args).to.deep.equal([{ kind: 'unknown', text: 'id' }, { kind: 'unknown', text: 'opts' }]);
      expect(call.hasUnknownKwargs).to.equal(true);
      expect(refsOf(a)).to.deep.equal([]);
    });

    it('marks spread options and spread arguments, and an options object it cannot see', async () => {
      const a = await analyse(
        lines(`import { AutoModel as M } from '${HF}';`, "await M.from_pretrained('org/a', { ...base });", "await M.from_pretrained('org/b', { ...base, revision: 'v3' });", "await M.from_pretrained('org/c', options);", 'await M.from_pretrained(...args);'),
        's.js',
      );
      expect(a.code.calls.map((c) => [c.hasUnknownKwargs, c.hasStarArgs])).to.deep.equal([
        [true, false],
        [true, false],
        [true, false],
        [true, true],
      ]);
      expect(a.modelRefs!.map((r) => [r.repo, r.revision])).to.deep.equal([
        ['org/a', { kind: 'unknown', text: '**kwargs' }],
        ['org/b', { kind: 'literal', value: 'v3' }],
        ['org/c', { kind: 'unknown', text: '**kwargs' }],
      ]);
    });

    it('skips local_files_only loads and local paths', async () => {
      const a = await analyse(
        lines(
          `import { pipeline, AutoModel } from '${HF}';`,
          "import path from 'node:path';",
          "import { fileURLToPath } from 'node:url';",
          "await pipeline('t', 'org/a', { local_files_only: true });",
          "await AutoModel.from_pretrained('./models/bert');",
          "await AutoModel.from_pretrained(path.join(__dirname, 'models'));",
          "await AutoModel.from_pretrained(fileURLToPath(new URL('./m/', import.meta.url)));",
          'await AutoModel.from_pretrained(`${process.cwd()}/m`);',
          'await AutoModel.from_pretrained(`org/${name}`);',
        ),
        'local.mjs',
      );
      expect(a.code.calls).to.have.length(6);
      expect(a.code.calls.slice(2, 5).map((c) => c.args[0]!.kind)).to.deep.equal(['path', 'path', 'path']);
      expect(refsOf(a)).to.deep.equal([]);
    });

    it('reads @huggingface/hub downloads with string and object repos', async () => {
      const a = await analyse(
        lines(
          "import { downloadFile, snapshotDownload } from '@huggingface/hub';",
          "await downloadFile({ repo: 'org/model', path: 'config.json', revision: 'main' });",
          "await downloadFile({ repo: { type: 'dataset', name: 'org/data' }, path: 'x.csv' });",
          "await snapshotDownload({ repo: 'spaces/org/demo', revision: 'abc1234' });",
        ),
        'hub.ts',
      );
      expect(refsOf(a)).to.deep.equal([
        { repo: 'org/model', repoType: 'model', revision: { kind: 'literal', value: 'main' }, use: 'download', via: '@huggingface/hub.downloadFile' },
        { repo: 'org/data', repoType: 'dataset', revision: { kind: 'absent' }, use: 'download', via: '@huggingface/hub.downloadFile' },
        { repo: 'org/demo', repoType: 'space', revision: { kind: 'literal', value: 'abc1234' }, use: 'download', via: '@huggingface/hub.snapshotDownload' },
      ]);
    });

    it('names from_pretrained on a receiver of unknown origin ?.from_pretrained, and ignores other packages', async () => {
      const a = await analyse(lines("import { pipeline } from 'other-lib';", "pipeline('t', 'org/x');", "registry.get('m').from_pretrained('org/y');"), 'o.js');
      expect(a.code.calls.map((c) => c.callee)).to.deep.equal(['?.from_pretrained']);
    });
  });

  describe('TypeScript syntax', () => {
    it('reads through type annotations, as, satisfies and non-null assertions', async () => {
      const a = await analyse(
        lines(
          `import { AutoModel, type PretrainedOptions } from '${HF}';`,
          "const id: string = 'org/typed';",
          'export class Loader {',
          '  async load(): Promise<void> {',
          "    await AutoModel!.from_pretrained(id as string, { revision: 'v1' } satisfies PretrainedOptions);",
          '  }',
          '}',
        ),
        'loader.ts',
      );
      expect(a.code.language).to.equal('typescript');
      expect(a.code.syntaxErrors).to.equal(0);
      expect(a.modelRefs!.map((r) => [r.repo, r.revision, r.location])).to.deep.equal([['org/typed', { kind: 'literal', value: 'v1' }, { line: 5, column: 11 }]]);
    });

    it('reads TSX components', async () => {
      const a = await analyse(
        lines(`import { pipeline } from '${HF}';`, 'export function App(): JSX.Element {', "  const run = async () => pipeline('t', 'org/tsx', { revision: 'main' });", '  return <button onClick={run}>go</button>;', '}'),
        'App.tsx',
      );
      expect(a.code.syntaxErrors).to.equal(0);
      expect(refsOf(a).map((r) => r.repo)).to.deep.equal(['org/tsx']);
      expect(a.modelRefs![0]!.location).to.deep.equal({ line: 3, column: 27 });
    });

    it('reads JSX in .jsx and CommonJS in .cjs', async () => {
      const jsx = await analyse(lines(`import { pipeline } from '${HF}';`, "const x = <div>{pipeline('t', 'org/jsx')}</div>;"), 'a.jsx');
      expect(refsOf(jsx).map((r) => r.repo)).to.deep.equal(['org/jsx']);
      const cjs = await analyse(lines(`const { pipeline } = require('${XENOVA}');`, "module.exports = () => pipeline('t', 'org/cjs');"), 'a.cjs');
      expect(refsOf(cjs).map((r) => r.via)).to.deep.equal([`${XENOVA}.pipeline`]);
    });
  });
});
