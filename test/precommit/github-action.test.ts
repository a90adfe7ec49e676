import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { sarifValidator } from '../helpers/schemas.js';

const ROOT = realpathSync(fileURLToPath(new URL('../../', import.meta.url)));
const DEV_BIN = join(ROOT, 'bin', 'dev.js');
const MALICIOUS = join(ROOT, 'test', 'fixtures', 'malicious', 'b26-posix-getcwd-via-reduce.pkl');
const CLEAN = join(ROOT, 'test', 'fixtures', 'benign', 'safetensors', 'torch-state-dict.safetensors');

interface Step {
  name?: string;
  id?: string;
  if?: string;
  uses?: string;
  run?: string;
  shell?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
  'working-directory'?: string;
}
interface Action {
  name: string;
  description: string;
  inputs: Record<string, { description: string; required?: boolean; default?: string }>;
  outputs: Record<string, { description: string; value: string }>;
  runs: { using: string; steps: Step[] };
}

const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as Action;
const stepById = (id: string): Step => action.runs.steps.find((s) => s.id === id)!;
const lastStep = action.runs.steps[action.runs.steps.length - 1];

describe('GitHub Action: action.yml', () => {
  it('is a composite action with the documented inputs and defaults', () => {
    expect(action.name).to.equal('modelvet');
    expect(action.description).to.be.a('string').and.not.equal('');
    expect(action.runs.using).to.equal('composite');
    const defaults = Object.fromEntries(Object.entries(action.inputs).map(([k, v]) => [k, v.default]));
    expect(defaults).to.deep.equal({ paths: '.', 'fail-on': 'high', 'sarif-file': 'modelvet.sarif', 'upload-sarif': 'true', version: '', args: '' });
    for (const [name, input] of Object.entries(action.inputs)) expect(input.description, name).to.be.a('string').and.not.equal('');
    expect(Object.keys(action.outputs)).to.include.members(['exit-code', 'sarif-file']);
  });

  it('every run step names its shell, and no input is spliced into a script (they arrive as env)', () => {
    for (const step of action.runs.steps) {
      expect(step.run === undefined ? step.uses : step.shell, step.name).to.be.a('string');
      if (step.run !== undefined) {
        expect(step.shell, step.name).to.equal('bash');
        expect(step.uses, step.name).to.equal(undefined);
        expect(step.run, step.name).to.not.include('${{');
      }
    }
    expect(action.runs.steps[0].uses).to.match(/^actions\/setup-node@v\d+$/);
    expect(action.runs.steps[0].with).to.deep.equal({ 'node-version': 20 });
  });

  it('uploads the SARIF even when the scan fails the build, and fails the job only afterwards', () => {
    const upload = action.runs.steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif@'))!;
    expect(upload.uses).to.equal('github/codeql-action/upload-sarif@v3');
    expect(upload.if).to.include('always()').and.include("inputs.upload-sarif == 'true'");
    expect(upload.with?.sarif_file).to.equal('${{ inputs.sarif-file }}');
    const order = action.runs.steps.map((s) => s.id ?? s.uses ?? s.name);
    expect(order.indexOf('scan')).to.be.lessThan(order.indexOf(upload.uses!));
    expect(lastStep.if).to.equal('always()');
    expect(stepById('scan').run).to.include('--format sarif').and.include('--fail-on "$INPUT_FAIL_ON"');
  });
});

describe('GitHub Action: the scan and decision scripts, run with bash', function () {
  this.timeout(120_000);
  let ws: string;
  before(() => {
    ws = realpathSync(mkdtempSync(join(tmpdir(), 'modelvet-action-')));
    copyFileSync(MALICIOUS, join(ws, 'checkpoint.pkl'));
    mkdirSync(join(ws, 'dir with space'));
    copyFileSync(CLEAN, join(ws, 'dir with space', 'model.safetensors'));
  });
  after(() => rmSync(ws, { recursive: true, force: true }));

  /** Runs a step's script as the runner does (`shell: bash` is `bash --noprofile --norc -eo pipefail {0}`), GITHUB_OUTPUT collected. */
  function runStep(step: Step, env: Record<string, string>): { status: number | null; out: string; outputs: Record<string, string> } {
    const tag = Math.random().toString(16).slice(2);
    const outputFile = join(ws, `output-${tag}`);
    const script = join(ws, `step-${tag}.sh`);
    writeFileSync(outputFile, '');
    writeFileSync(script, step.run!);
    const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], { cwd: ws, env: { ...process.env, NO_COLOR: '1', GITHUB_OUTPUT: outputFile, ...env }, encoding: 'utf8', timeout: 60_000 });
    const outputs = Object.fromEntries(
      readFileSync(outputFile, 'utf8')
        .split('\n')
        .filter((l) => l.includes('='))
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    return { status: r.status, out: `${r.stdout}${r.stderr}`, outputs };
  }

  const scan = (inputs: { paths: string; failOn?: string; args?: string; sarif?: string }) =>
    runStep(stepById('scan'), { MODELVET_BIN: DEV_BIN, INPUT_PATHS: inputs.paths, INPUT_FAIL_ON: inputs.failOn ?? 'high', INPUT_SARIF_FILE: inputs.sarif ?? 'modelvet.sarif', INPUT_ARGS: inputs.args ?? '' });

  function sarifResults(file = 'modelvet.sarif'): Array<{ ruleId: string; locations?: Array<{ physicalLocation?: { artifactLocation?: { uri?: string } } }> }> {
    const sarif = JSON.parse(readFileSync(join(ws, file), 'utf8'));
    const validate = sarifValidator();
    expect(validate(sarif), JSON.stringify(validate.errors?.slice(0, 3))).to.equal(true);
    return sarif.runs[0].results;
  }

  it('findings at or above fail-on: the step succeeds, records exit 1 and writes a valid SARIF with the finding', () => {
    const r = scan({ paths: 'checkpoint.pkl' });
    expect(r.status, r.out).to.equal(0);
    expect(r.outputs).to.deep.include({ 'exit-code': '1', sarif: 'true' });
    expect(r.out).to.include('::error title=modelvet::findings at or above high');
    expect(sarifResults().map((x) => x.ruleId)).to.include('pickle/dangerous-global');
  });

  it('a path list, one per line (spaces inside a path kept): clean files record exit 0', () => {
    const r = scan({ paths: '\n  dir with space/model.safetensors  \n\n' });
    expect(r.outputs['exit-code'], r.out).to.equal('0');
    const both = scan({ paths: 'dir with space/model.safetensors\ncheckpoint.pkl\n', sarif: 'both.sarif' });
    expect(both.outputs['exit-code']).to.equal('1');
    const uris = sarifResults('both.sarif').flatMap((x) => x.locations?.map((l) => l.physicalLocation?.artifactLocation?.uri) ?? []);
    expect(uris.some((u) => u?.includes('checkpoint.pkl'))).to.equal(true);
  });

  it('fail-on none records exit 0 with findings still in the SARIF; extra args are passed on', () => {
    const r = scan({ paths: 'checkpoint.pkl', failOn: 'none' });
    expect(r.outputs['exit-code']).to.equal('0');
    expect(sarifResults().length).to.be.greaterThan(0);
    const off = scan({ paths: 'checkpoint.pkl', args: '--rule pickle/dangerous-global=off  --quiet' });
    expect(off.outputs['exit-code'], off.out).to.be.oneOf(['0', '1']);
    expect(sarifResults().map((x) => x.ruleId)).to.not.include('pickle/dangerous-global');
  });

  it('modelvet failing to run records exit 2 and no stale SARIF is left to upload', () => {
    writeFileSync(join(ws, 'stale.sarif'), '{"stale":true}');
    const r = scan({ paths: 'checkpoint.pkl', args: '--rule no-such/rule=off', sarif: 'stale.sarif' });
    expect(r.status).to.equal(0);
    expect(r.outputs).to.deep.include({ 'exit-code': '2', sarif: 'false' });
    expect(r.out).to.include('could not complete the scan (exit 2)');
  });

  it('the last step fails the job with the recorded exit code', () => {
    expect(runStep(lastStep, { SCAN_EXIT: '0' }).status).to.equal(0);
    expect(runStep(lastStep, { SCAN_EXIT: '1' }).status).to.equal(1);
    expect(runStep(lastStep, { SCAN_EXIT: '2' }).status).to.equal(2);
    expect(runStep(lastStep, { SCAN_EXIT: '' }).status).to.equal(2); // the scan never ran
  });
});

describe('GitHub Action: docs/workflows/modelvet.yml', () => {
  const workflow = parse(readFileSync(join(ROOT, 'docs', 'workflows', 'modelvet.yml'), 'utf8')) as {
    on: Record<string, unknown>;
    permissions: Record<string, string>;
    jobs: Record<string, { 'runs-on': string; steps: Step[] }>;
  };

  it('runs on pushes and pull requests with the permission upload-sarif needs, and only known inputs', () => {
    expect(Object.keys(workflow.on)).to.include.members(['push', 'pull_request']);
    expect(workflow.permissions).to.deep.equal({ contents: 'read', 'security-events': 'write' });
    const jobs = Object.values(workflow.jobs);
    expect(jobs).to.have.length(1);
    const steps = jobs[0].steps;
    expect(jobs[0]['runs-on']).to.be.a('string');
    expect(steps[0].uses).to.match(/^actions\/checkout@v\d+$/);
    const use = steps.find((s) => /\/modelvet@/.test(s.uses ?? ''))!;
    expect(use, 'a step using the modelvet action').to.not.equal(undefined);
    for (const key of Object.keys(use.with ?? {})) expect(Object.keys(action.inputs), key).to.include(key);
    for (const step of steps) if (step.run !== undefined) expect(step.run).to.not.include('${{');
  });
});
