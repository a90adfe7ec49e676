/**
 * Each configurable limit, set low enough in a real config file that a real fixture hits it, makes
 * `scan()` report a high finding saying the file was not fully analysed; the defaults hit none on
 * the benign fixtures. (`fileTimeBudgetMs` is enforced by the scan's worker pool and tested with
 * it, test/engine/parallel-scan.test.ts; here only that the config reaches the options.)
 */
import { expect } from 'chai';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import type { LimitsConfig } from '../../src/config/types.js';
import { isLimitCode, NOT_FULLY_ANALYSED } from '../../src/engine/limits.js';
import { prepare, scan } from '../../src/engine/scan.js';
import type { Finding, Report } from '../../src/types.js';

/** The `test/` folder: scans run from here, so paths read `fixtures/…` and `limits/…`. */
const TEST_DIR = fileURLToPath(new URL('..', import.meta.url));

async function scanWith(limits: LimitsConfig | undefined, paths: string[], cwd = TEST_DIR): Promise<Report> {
  const dir = mkdtempSync(join(tmpdir(), 'modelvet-limits-scan-'));
  const configFile = join(dir, 'modelvet.config.yaml');
  writeFileSync(configFile, YAML.stringify(limits === undefined ? {} : { limits }));
  const prepared = await prepare({ configFile, cwd });
  return scan({ paths, prepared, cwd });
}

const limitFindings = (report: Report): Finding[] =>
  report.findings.filter((f) => isLimitCode(String(f.evidence?.code ?? '')) || f.message.toLowerCase().includes(NOT_FULLY_ANALYSED));

const show = (report: Report): string => report.findings.map((f) => `[${f.severity}] ${f.ruleId} ${f.path}: ${f.message}`).join('\n');

interface LimitCase {
  /** What the case shows. */
  name: string;
  limits: LimitsConfig;
  path: string;
  rule: string;
  code: string;
  /** Words the finding's message must also contain (the limit, the member…). */
  mentions?: string[];
}

const CASES: LimitCase[] = [
  { name: 'maxFileBytes: a PyTorch checkpoint cut after 2000 bytes', limits: { maxFileBytes: 2000 }, path: 'fixtures/benign/torch-full-model.pt', rule: 'engine/resource-limit', code: 'engine/file-byte-limit', mentions: ['2000 bytes', 'limits.maxFileBytes'] },
  { name: 'maxFileBytes: a pickle cut after 500 bytes', limits: { maxFileBytes: 500 }, path: 'fixtures/benign/sklearn-pipeline.pkl', rule: 'engine/resource-limit', code: 'engine/file-byte-limit' },
  { name: 'maxDecompressedBytes: a .tar.gz inflating past 1000 bytes', limits: { maxDecompressedBytes: 1000 }, path: 'fixtures/benign/archive/model.tar.gz', rule: 'archive/resource-limit', code: 'archive/decompression-limit', mentions: ['1000'] },
  { name: 'maxDecompressedBytes: a deflated .npz member past 100 bytes', limits: { maxDecompressedBytes: 100 }, path: 'fixtures/benign/archive/arrays-compressed.npz', rule: 'archive/resource-limit', code: 'zip/member-too-large', mentions: ['inflates beyond 100 bytes'] },
  { name: 'maxCompressionRatio: a joblib gzip dump of zeros expanding ~900 times', limits: { maxCompressionRatio: 100 }, path: 'limits/fixtures/zeros.joblib.gz', rule: 'archive/decompression-bomb', code: 'archive/decompression-bomb', mentions: ['100 times'] },
  { name: 'maxArchiveDepth: a checkpoint inside a tar inside a gzip', limits: { maxArchiveDepth: 1 }, path: 'fixtures/benign/archive/model.tar.gz', rule: 'archive/resource-limit', code: 'archive/depth-limit' },
  { name: 'maxArchiveMembers: an .npz of two arrays', limits: { maxArchiveMembers: 1 }, path: 'fixtures/benign/archive/arrays.npz', rule: 'archive/resource-limit', code: 'archive/member-limit' },
  { name: 'maxArchiveMembers: a tar of a model folder', limits: { maxArchiveMembers: 1 }, path: 'fixtures/benign/archive/model.tar', rule: 'archive/resource-limit', code: 'tar/too-many-entries' },
  { name: 'maxArchiveMembers: a GGUF with 17 key-value pairs', limits: { maxArchiveMembers: 1 }, path: 'fixtures/benign/gguf/tiny-llama.gguf', rule: 'gguf/resource-limit', code: 'gguf/count-limit' },
  { name: 'pickle.maxOpcodes: a scikit-learn pipeline', limits: { pickle: { maxOpcodes: 10 } }, path: 'fixtures/benign/sklearn-pipeline.pkl', rule: 'pickle/resource-limit', code: 'pickle/budget-exceeded', mentions: ['10 opcodes'] },
  { name: 'pickle.maxOpcodes: the pickle inside a PyTorch zip', limits: { pickle: { maxOpcodes: 10 } }, path: 'fixtures/benign/torch-full-model.pt', rule: 'pickle/resource-limit', code: 'pickle/budget-exceeded' },
  { name: 'pickle.maxMemo: a scikit-learn pipeline', limits: { pickle: { maxMemo: 1 } }, path: 'fixtures/benign/sklearn-pipeline.pkl', rule: 'pickle/resource-limit', code: 'pickle/budget-exceeded', mentions: ['memo'] },
  { name: 'pickle.maxStackDepth: a scikit-learn pipeline', limits: { pickle: { maxStackDepth: 2 } }, path: 'fixtures/benign/sklearn-pipeline.pkl', rule: 'pickle/resource-limit', code: 'pickle/budget-exceeded', mentions: ['stack'] },
  { name: 'pickle.maxNesting: bytes handed to pickle.loads', limits: { pickle: { maxNesting: 0 } }, path: 'fixtures/malicious/b30-pickle-loads.pkl', rule: 'pickle/resource-limit', code: 'pickle/budget-exceeded', mentions: ['nested'] },
  { name: 'pickle.maxStreams: a second pickle after the first STOP', limits: { pickle: { maxStreams: 1 } }, path: 'fixtures/malicious/a08-benign-then-malicious-stream.pkl', rule: 'pickle/resource-limit', code: 'pickle/budget-exceeded', mentions: ['streams'] },
  { name: 'pickle.maxResyncBytes: junk between two pickles', limits: { pickle: { maxResyncBytes: 0 } }, path: 'fixtures/malicious/a07-junk-between-streams.pkl', rule: 'pickle/resource-limit', code: 'pickle/budget-exceeded', mentions: ['resync'] },
  { name: 'pickle.maxRecords: a scikit-learn pipeline', limits: { pickle: { maxRecords: 1 } }, path: 'fixtures/benign/sklearn-pipeline.pkl', rule: 'pickle/resource-limit', code: 'pickle/records-truncated' },
  { name: 'maxJsonHeaderBytes: a safetensors header', limits: { maxJsonHeaderBytes: 10 }, path: 'fixtures/benign/safetensors/numpy.safetensors', rule: 'safetensors/malformed', code: 'safetensors/header-over-limit' },
  { name: 'maxJsonHeaderBytes: a safetensors index', limits: { maxJsonHeaderBytes: 10 }, path: 'fixtures/benign/safetensors/tiny-bert/model.safetensors.index.json', rule: 'safetensors/malformed', code: 'safetensors/index-over-limit' },
  { name: 'maxJsonHeaderBytes: a GGUF header', limits: { maxJsonHeaderBytes: 100 }, path: 'fixtures/benign/gguf/tiny-llama.gguf', rule: 'gguf/resource-limit', code: 'gguf/header-limit' },
  { name: 'maxJsonHeaderBytes: a Keras config.json', limits: { maxJsonHeaderBytes: 10 }, path: 'fixtures/benign/keras/sequential.keras', rule: 'keras/malformed', code: 'keras/config-limit' },
  { name: 'maxJsonHeaderBytes: an ONNX model', limits: { maxJsonHeaderBytes: 10 }, path: 'fixtures/benign/onnx/tiny-mlp.onnx', rule: 'onnx/malformed', code: 'onnx/size-limit' },
  { name: 'maxJsonHeaderBytes: a tokenizer_config.json', limits: { maxJsonHeaderBytes: 10 }, path: 'fixtures/benign/template/hf-legacy/tokenizer_config.json', rule: 'template/malformed', code: 'template/config-too-large' },
  { name: 'maxJsonHeaderBytes: a Python training script', limits: { maxJsonHeaderBytes: 10 }, path: 'fixtures/projects/code/python-app/train.py', rule: 'code/malformed', code: 'code/too-large' },
  { name: 'maxJsonHeaderBytes: a requirements file', limits: { maxJsonHeaderBytes: 10 }, path: 'fixtures/projects/deps/py-requirements/requirements.txt', rule: 'dependencies/unreadable', code: 'deps/limit' },
  { name: 'maxJsonHeaderBytes: a CycloneDX BOM', limits: { maxJsonHeaderBytes: 10 }, path: 'fixtures/projects/bom/cyclonedx-hub/model.cdx.json', rule: 'bom/malformed', code: 'bom/limit' },
  { name: 'maxYamlBytes: a distillation config', limits: { maxYamlBytes: 100 }, path: 'fixtures/projects/code/configs/distill.yaml', rule: 'code/malformed', code: 'model-config/too-large', mentions: ['100-byte limit'] },
];

describe('limits: a limit hit in a scan is a high "not fully analysed" finding', function () {
  this.timeout(120_000);

  for (const c of CASES) {
    it(c.name, async () => {
      const report = await scanWith(c.limits, [c.path]);
      const hits = report.findings.filter((f) => f.ruleId === c.rule && f.evidence?.code === c.code);
      expect(hits, `no ${c.rule} finding for ${c.code}; got:\n${show(report)}`).to.not.be.empty;
      for (const f of hits) {
        expect(f.severity, f.message).to.equal('high');
        expect(f.message.toLowerCase(), f.message).to.include(NOT_FULLY_ANALYSED);
        for (const m of c.mentions ?? []) expect(f.message).to.include(m);
      }
    });
  }

  it('codeParseTimeMs: a long Python module parsed against a 1 ms budget', async () => {
    // A real module made long: the training script of the code fixtures, 100 times over (240 KB).
    const dir = mkdtempSync(join(tmpdir(), 'modelvet-limits-code-'));
    const train = readFileSync(join(TEST_DIR, 'fixtures/projects/code/python-app/train.py'), 'utf8');
    writeFileSync(join(dir, 'long_train.py'), Array.from({ length: 100 }, () => train).join('\n'));
    const report = await scanWith({ codeParseTimeMs: 1 }, ['long_train.py'], dir);
    const hits = report.findings.filter((f) => f.ruleId === 'code/malformed' && f.evidence?.code === 'code/parse-timeout');
    expect(hits, show(report)).to.have.length(1);
    expect(hits[0]!.severity).to.equal('high');
    expect(hits[0]!.message).to.match(/^not fully analysed: parsing the source ran past its 1 ms time budget \(limits\.codeParseTimeMs\)/);

    const relaxed = await scanWith(undefined, ['long_train.py'], dir);
    expect(limitFindings(relaxed), show(relaxed)).to.deep.equal([]);
  });
});

describe('limits: the defaults hit no limit on real files', function () {
  this.timeout(300_000);

  it('the benign fixtures', async () => {
    const report = await scanWith(undefined, ['fixtures/benign']);
    expect(report.summary.files).to.be.greaterThan(50);
    expect(limitFindings(report), show(report)).to.deep.equal([]);
  });

  it('the other files the limit cases use', async () => {
    const paths = [...new Set(CASES.map((c) => c.path).filter((p) => !p.startsWith('fixtures/benign/')))];
    const report = await scanWith(undefined, paths);
    expect(report.summary.files).to.equal(paths.length);
    expect(limitFindings(report), show(report)).to.deep.equal([]);
  });
});
