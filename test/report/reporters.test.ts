import { expect } from 'chai';
import { BUILTIN_RULES } from '../../src/rules/builtin.js';
import { formatJson } from '../../src/report/json.js';
import { formatSarif } from '../../src/report/sarif.js';
import { formatText } from '../../src/report/text.js';
import { wantsColor } from '../../src/report/index.js';
import type { Report } from '../../src/types.js';
import { reportValidator, sarifValidator } from '../helpers/schemas.js';

function sampleReport(): Report {
  return {
    tool: { name: 'modelvet', version: '0.1.0' },
    artifacts: [
      { path: 'models/evil.pt', format: 'pytorch-zip', size: 2048, sha256: 'a'.repeat(64) },
      { path: 'models/notes.txt', format: 'unknown', size: 10 },
    ],
    findings: [
      {
        ruleId: 'pickle/dangerous-global',
        severity: 'critical',
        path: 'models/evil.pt!archive/data.pkl',
        message: 'loading calls os.system: runs a shell command',
        location: { offset: 42 },
        evidence: { module: 'os', name: 'system' },
        fix: 'Do not load this file.',
      },
      { ruleId: 'pickle/prefer-safetensors', severity: 'low', path: 'models/evil.pt', message: 'prefer safetensors' },
      { ruleId: 'format/unrecognized', severity: 'info', path: 'models/notes.txt', message: 'not a recognised model format' },
    ],
    summary: { critical: 1, high: 0, medium: 0, low: 1, info: 1, files: 2 },
    errors: [],
  };
}

describe('reporters', () => {
  it('json output validates against schemas/report.schema.json', () => {
    const validate = reportValidator();
    const parsed = JSON.parse(formatJson(sampleReport()));
    expect(validate(parsed), JSON.stringify(validate.errors)).to.equal(true);
  });

  it('the report schema rejects a finding without a path', () => {
    const validate = reportValidator();
    const bad = sampleReport() as unknown as { findings: Array<Record<string, unknown>> };
    delete bad.findings[0].path;
    expect(validate(bad)).to.equal(false);
  });

  describe('sarif', () => {
    const render = () => JSON.parse(formatSarif(sampleReport(), { rules: BUILTIN_RULES, toRepoUri: (p) => p }));

    it('validates against the official SARIF 2.1.0 schema', () => {
      const validate = sarifValidator();
      const sarif = render();
      expect(validate(sarif), JSON.stringify(validate.errors?.slice(0, 3))).to.equal(true);
    });

    it('carries what GitHub code scanning reads: rule help, security-severity, fingerprints, startLine 1', () => {
      const run = render().runs[0];
      const rule = run.tool.driver.rules.find((r: { id: string }) => r.id === 'pickle/dangerous-global');
      expect(rule.help.text).to.include('Fix:');
      expect(rule.properties['security-severity']).to.equal('9.5');
      const result = run.results[0];
      expect(result.ruleId).to.equal('pickle/dangerous-global');
      expect(run.tool.driver.rules[result.ruleIndex].id).to.equal('pickle/dangerous-global');
      expect(result.level).to.equal('error');
      expect(result.locations[0].physicalLocation.artifactLocation.uri).to.equal('models/evil.pt');
      expect(result.locations[0].physicalLocation.region.startLine).to.equal(1);
      expect(result.message.text).to.include('archive/data.pkl');
      expect(result.partialFingerprints['modelvetFinding/v1']).to.match(/^[0-9a-f]{32}$/);
    });

    it('keeps fingerprints stable when byte offsets move, and distinct across findings', () => {
      const a = render().runs[0].results;
      const moved = sampleReport();
      moved.findings[0].location = { offset: 9999 };
      const b = JSON.parse(formatSarif(moved, { rules: BUILTIN_RULES, toRepoUri: (p) => p })).runs[0].results;
      expect(b[0].partialFingerprints).to.deep.equal(a[0].partialFingerprints);
      expect(new Set(a.map((r: { partialFingerprints: Record<string, string> }) => r.partialFingerprints['modelvetFinding/v1'])).size).to.equal(a.length);
    });
  });

  it('writes 64-bit integers from evidence as decimal strings in JSON and SARIF', () => {
    const report = sampleReport();
    report.findings[0] = { ...report.findings[0]!, evidence: { count: 2n ** 64n - 1n } };
    expect(JSON.parse(formatJson(report)).findings[0].evidence.count).to.equal('18446744073709551615');
    expect(formatSarif(report, { rules: BUILTIN_RULES, toRepoUri: (p) => p })).to.include('18446744073709551615');
  });

  describe('text', () => {
    it('groups by file, shows members, hides info unless verbose, ends with a summary', () => {
      const out = formatText(sampleReport(), { color: false });
      expect(out).to.match(/^models\/evil\.pt {2}pytorch-zip, 2\.0 KB$/m);
      expect(out).to.include('CRITICAL  loading calls os.system');
      expect(out).to.include('pickle/dangerous-global  archive/data.pkl, offset 42');
      expect(out).not.to.include('not a recognised model format');
      expect(out).to.include('1 info finding not shown');
      expect(out).to.match(/✖ 3 findings \(1 critical, 0 high, 0 medium, 1 low, 1 info\) in 2 files scanned/);
      expect(formatText(sampleReport(), { color: false, verbose: true })).to.include('not a recognised model format');
    });

    it('shows control and bidi characters from hostile names as escapes, never raw', () => {
      const report = sampleReport();
      report.findings[0] = { ...report.findings[0]!, path: 'models/evil.pt!archive/\u001b[2Jx\u202egpj.pt', message: 'tensor "a\u0007\u009b31m" is odd' };
      const out = formatText(report, { color: false });
      expect(out).to.include('archive/\\x1b[2Jx\\u202egpj.pt');
      expect(out).to.include('tensor "a\\x07\\x9b31m" is odd');
      expect(out).not.to.match(/[\u0007\u001b\u009b\u202e]/);
    });

    it('has no escape codes without colour, and has them with colour', () => {
      expect(formatText(sampleReport(), { color: false })).not.to.include('\u001b[');
      expect(formatText(sampleReport(), { color: true })).to.include('\u001b[');
    });

    it('colour follows NO_COLOR, FORCE_COLOR and whether the stream is a terminal', () => {
      expect(wantsColor({ isTTY: true }, {})).to.equal(true);
      expect(wantsColor({ isTTY: false }, {})).to.equal(false);
      expect(wantsColor({ isTTY: true }, { NO_COLOR: '1' })).to.equal(false);
      expect(wantsColor({ isTTY: false }, { FORCE_COLOR: '1' })).to.equal(true);
    });
  });
});
