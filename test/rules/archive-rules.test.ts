import { expect } from 'chai';
import { RuleTester } from '../../src/rules/rule-tester.js';
import { BUILTIN_RULES } from '../../src/rules/builtin.js';
import { RULES as ARCHIVE_RULES } from '../../src/rules/archive/index.js';
import pathTraversal from '../../src/rules/archive/path-traversal.js';
import linkMember from '../../src/rules/archive/link-member.js';
import specialMember from '../../src/rules/archive/special-member.js';
import decompressionBomb from '../../src/rules/archive/decompression-bomb.js';
import resourceLimit from '../../src/rules/archive/resource-limit.js';
import unsupported from '../../src/rules/archive/unsupported.js';
import archiveMalformed from '../../src/rules/archive/malformed.js';
import zipMalformed from '../../src/rules/zip/malformed.js';
import { ARCHIVE_ANOMALY_CODES, SEVEN_ZIP_ANOMALY_CODES, TAR_ANOMALY_CODES } from '../../src/parsers/archive/anomalies.js';
import { ZIP_ANOMALY_CODES } from '../../src/parsers/zip/anomalies.js';
import { runRules } from '../../src/engine/run-rules.js';
import type { Anomaly, Artifact } from '../../src/types.js';
import { unknownArtifact } from '../helpers/artifacts.js';

const tester = new RuleTester();

function tar(anomalies: Anomaly[]): Artifact {
  return { path: 'm.tar', format: 'tar', size: 10240, anomalies, children: [], tar: { members: 1 } };
}

tester.run('archive/path-traversal', pathTraversal, {
  valid: [{ name: 'a clean tar', artifact: tar([]) }, { name: 'a link is the other rule', artifact: tar([{ code: 'tar/link', message: 'x' }]) }],
  invalid: [
    {
      name: 'tar member ../evil.txt',
      artifact: tar([{ code: 'tar/path-traversal', message: 'extracting member "../evil.txt" writes outside the target folder', detail: { name: '../evil.txt' } }]),
      findings: [{ severity: 'critical', message: /\.\.\/evil\.txt/, evidence: { code: 'tar/path-traversal', name: '../evil.txt' } }],
    },
    {
      name: 'zip member /tmp/evil.txt',
      artifact: { path: 'm.zip', format: 'zip', size: 100, anomalies: [{ code: 'zip/path-traversal', message: 'extracting member "/tmp/evil.txt" writes outside the target folder' }], children: [], zip: { entries: 1, prependedBytes: 0 } },
      findings: [{ severity: 'critical', message: /\/tmp\/evil\.txt/ }],
    },
  ],
});

tester.run('archive/link-member', linkMember, {
  valid: [{ name: 'no links', artifact: tar([{ code: 'tar/duplicate-name', message: 'x' }]) }],
  invalid: [
    {
      name: 'a link inside the folder is high',
      artifact: tar([{ code: 'tar/link', message: 'member "a" is a symlink to "b"', detail: { escapes: false } }]),
      findings: [{ severity: 'high', message: 'member "a" is a symlink to "b": extracting it creates a link' }],
    },
    {
      name: 'a link to /etc/passwd is critical',
      artifact: tar([{ code: 'tar/link', message: 'member "link" is a symlink to "/etc/passwd"', detail: { escapes: true, linkName: '/etc/passwd' } }]),
      findings: [{ severity: 'critical', message: /\/etc\/passwd", outside the extraction folder/, evidence: { linkName: '/etc/passwd' } }],
    },
    {
      name: 'a zip symlink whose target was not read stays high',
      artifact: unknownArtifact('x.zip', [{ code: 'zip/symlink', message: 'member "l" is a symbolic link' }]),
      findings: [{ severity: 'high' }],
    },
  ],
});

tester.run('archive/special-member', specialMember, {
  valid: [{ name: 'regular members', artifact: tar([]) }],
  invalid: [{ name: 'a FIFO', artifact: tar([{ code: 'tar/special-member', message: 'member "p" is a FIFO: extracting it creates one' }]), findings: [{ severity: 'high', message: /FIFO/ }] }],
});

tester.run('archive/decompression-bomb', decompressionBomb, {
  valid: [{ name: 'a size limit is resource-limit', artifact: unknownArtifact('a.gz', [{ code: 'archive/decompression-limit', message: 'x' }]) }],
  invalid: [{ name: 'ratio past the cap', artifact: unknownArtifact('a.bz2', [{ code: 'archive/decompression-bomb', message: 'the bz2 stream expands more than 2000 times (…), a decompression bomb' }]), findings: [{ severity: 'high', message: /decompression bomb/ }] }],
});

tester.run('archive/resource-limit', resourceLimit, {
  valid: [{ name: 'nothing over a limit', artifact: tar([]) }],
  invalid: [
    {
      name: 'every limit the engine and the parsers report',
      artifact: unknownArtifact('a', ['archive/decompression-limit', 'archive/depth-limit', 'archive/member-limit', 'tar/too-many-entries', 'zip/too-many-entries', 'zip/member-too-large'].map((code) => ({ code, message: code }))),
      findings: ['archive/decompression-limit', 'archive/depth-limit', 'archive/member-limit', 'tar/too-many-entries', 'zip/too-many-entries', 'zip/member-too-large'].map((code) => ({ severity: 'high' as const, message: `not fully analysed: ${code}` })),
    },
  ],
});

tester.run('archive/unsupported', unsupported, {
  valid: [{ name: 'a corrupt stream is malformed, not unsupported', artifact: unknownArtifact('a.xz', [{ code: 'archive/corrupt-compression', message: 'x' }]) }],
  invalid: [
    {
      name: 'an encrypted 7z folder',
      artifact: { path: 'a.7z', format: '7z', size: 100, anomalies: [{ code: '7z/unsupported-coder', message: '7z folder 0 uses a chain of AES-256 + LZMA2, which modelvet does not decode: "model.pkl" not checked' }], children: [], sevenZip: { members: 1 } },
      findings: [{ severity: 'high', message: /AES-256 \+ LZMA2.*not checked/ }],
    },
    { name: 'an xz filter', artifact: unknownArtifact('a.xz', [{ code: 'archive/unsupported-compression', message: 'xz filter 0x3' }]), findings: [{ severity: 'high' }] },
  ],
});

tester.run('archive/malformed', archiveMalformed, {
  valid: [{ name: 'zip codes are zip/malformed', artifact: unknownArtifact('a', [{ code: 'zip/truncated', message: 'x' }]) }],
  invalid: [
    {
      name: 'corrupt streams, trailing data, truncated tars',
      artifact: unknownArtifact('a', ['archive/corrupt-compression', 'archive/trailing-data', 'tar/truncated', 'tar/data-after-end'].map((code) => ({ code, message: code }))),
      findings: ['archive/corrupt-compression', 'archive/trailing-data', 'tar/truncated', 'tar/data-after-end'].map((code) => ({ severity: 'high' as const, message: code })),
    },
  ],
});

describe('archive rules: routing', () => {
  const settings = { rules: BUILTIN_RULES, ruleSettings: {}, settings: { allowedGlobals: [], trustedPublishers: [] } };
  const all = [...Object.keys(ARCHIVE_ANOMALY_CODES), ...Object.keys(TAR_ANOMALY_CODES), ...Object.keys(SEVEN_ZIP_ANOMALY_CODES), ...Object.keys(ZIP_ANOMALY_CODES)];

  it('every archive, tar, 7z and zip anomaly code reaches exactly one built-in rule', () => {
    for (const code of all) {
      const findings = runRules(unknownArtifact('a', [{ code, message: code }]), settings);
      expect(findings.map((f) => f.ruleId), code).to.have.length(1);
    }
  });

  it('the hygiene codes reach the archive rules, and zip/malformed no longer takes tar/ or archive/ codes', () => {
    const ruleOf = (code: string) => runRules(unknownArtifact('a', [{ code, message: code }]), settings)[0]!.ruleId;
    expect(ruleOf('zip/symlink')).to.equal('archive/link-member');
    expect(ruleOf('zip/path-traversal')).to.equal('archive/path-traversal');
    expect(ruleOf('7z/link')).to.equal('archive/link-member');
    expect(ruleOf('7z/bad-header')).to.equal('archive/malformed');
    expect(ruleOf('tar/no-end-marker')).to.equal('archive/malformed');
    expect(ruleOf('zip/truncated')).to.equal('zip/malformed');
    expect(ruleOf('torch/legacy-fallback')).to.equal('zip/loader-divergence');
    for (const code of Object.keys(ARCHIVE_ANOMALY_CODES)) expect([...zipMalformed.check({ artifact: unknownArtifact('a', [{ code, message: code }]), root: unknownArtifact('a'), ancestors: [], settings: settings.settings })], code).to.deep.equal([]);
  });

  it('each rule documents itself and is a built-in', () => {
    for (const rule of ARCHIVE_RULES) {
      expect(rule.meta.id).to.match(/^archive\/[a-z-]+$/);
      expect(rule.meta.docs.description.length, rule.meta.id).to.be.greaterThan(40);
      expect(rule.meta.docs.example, rule.meta.id).to.not.equal('');
      expect(rule.meta.docs.fix, rule.meta.id).to.not.equal('');
      expect(BUILTIN_RULES, rule.meta.id).to.include(rule);
    }
  });
});
