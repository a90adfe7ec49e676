/**
 * The BOM fixture projects (test/fixtures/projects/bom, made by make_bom_projects.ts), scanned end
 * to end: the exact bom/*, provenance/* and integrity/* findings as (rule, severity, path), and a
 * byte flipped in a model file beside each kind of BOM giving integrity/checksum-mismatch.
 */
import { expect } from 'chai';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scan } from '../../src/engine/scan.js';
import type { Finding, Report, Severity } from '../../src/types.js';

const root = fileURLToPath(new URL('../fixtures/projects/bom/', import.meta.url));

type Row = [rule: string, severity: Severity, path: string];

/** Other families' rules (format, pickle advice) speak about the same files; these are the ones this suite is about. */
const ours = (f: Finding): boolean => f.ruleId.startsWith('bom/') || f.ruleId.startsWith('provenance/') || f.ruleId.startsWith('integrity/');
const rows = (r: Report): Row[] => r.findings.filter(ours).map((f): Row => [f.ruleId, f.severity, f.path]);
const sorted = (rs: Row[]): Row[] => [...rs].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
const show = (r: Report): string => r.findings.filter(ours).map((f) => `[${f.severity}] ${f.ruleId} ${f.path}: ${f.message}`).join('\n');

describe('BOM fixture projects (end to end)', function () {
  this.timeout(60_000);

  it('every BOM is read as one, an ordinary bom.json is not; the findings are exactly these', async () => {
    const report = await scan({ cwd: root, paths: ['.'] });
    const formats = Object.fromEntries(report.artifacts.filter((a) => a.path.endsWith('.json')).map((a) => [a.path, a.format]));
    expect(formats).to.deep.equal({
      'broken/bom.json': 'model-config',
      'broken/mislabelled.cdx.json': 'ai-bom',
      'broken/truncated.cdx.json': 'ai-bom',
      'cyclonedx-1.4-library/sbom.json': 'ai-bom',
      'cyclonedx-1.7-lookalike/bom.json': 'ai-bom',
      'cyclonedx-hub/config.json': 'unknown',
      'cyclonedx-hub/model.cdx.json': 'ai-bom',
      'spdx2/model.spdx.json': 'ai-bom',
      'spdx3/model.spdx3.json': 'ai-bom',
    });
    expect(sorted(rows(report)), show(report)).to.deep.equal(
      sorted([
        // An SPDX 2.3 document under a CycloneDX name: read as SPDX, and its own findings too.
        ['bom/malformed', 'medium', 'broken/mislabelled.cdx.json'],
        ['bom/model-without-hash', 'medium', 'broken/mislabelled.cdx.json'],
        ['bom/weak-hash', 'low', 'broken/mislabelled.cdx.json'],
        ['bom/malformed', 'medium', 'broken/truncated.cdx.json'],
        // CycloneDX 1.4: a library with a Hub purl at main, no hashes, from an untrusted publisher.
        ['bom/model-without-hash', 'medium', 'cyclonedx-1.4-library/sbom.json'],
        ['bom/unpinned-model', 'medium', 'cyclonedx-1.4-library/sbom.json'],
        ['provenance/unknown-publisher', 'medium', 'cyclonedx-1.4-library/sbom.json'],
        // CycloneDX 1.7 under a conventional name: pinned and hashed, but meta-1lama.
        ['provenance/lookalike-publisher', 'high', 'cyclonedx-1.7-lookalike/bom.json'],
        // SPDX 2.3: vocab.txt has only a SHA1.
        ['bom/model-without-hash', 'medium', 'spdx2/model.spdx.json'],
        ['bom/weak-hash', 'low', 'spdx2/model.spdx.json'],
        // SPDX 3.0.1: the AIPackage at main, from an untrusted publisher.
        ['bom/unpinned-model', 'medium', 'spdx3/model.spdx3.json'],
        ['provenance/unknown-publisher', 'medium', 'spdx3/model.spdx3.json'],
      ]),
    );
    // Every model file sits beside a BOM that records its SHA-256 (SPDX ones included): none is missing one.
    const messages = report.findings.filter((f) => f.path === 'spdx2/model.spdx.json' || f.path === 'cyclonedx-1.7-lookalike/bom.json').map((f) => [f.ruleId, f.message, f.location?.line]);
    expect(messages).to.deep.include.members([
      ['bom/model-without-hash', "model component 'tiny-spdx' has no SHA-256 of its own, and 1 of its 2 files has none (vocab.txt): the BOM cannot prove which weights it describes", 19],
      ['bom/weak-hash', "file component 'vocab.txt' is hashed only with SHA-1, for which collisions can be made: a swapped file with the same hash would pass", 62],
      ['provenance/lookalike-publisher', "records meta-1lama/Llama-3.2-1B, whose publisher 'meta-1lama' imitates 'meta-llama' (only characters that read alike differ)", 22],
    ]);
  });

  describe('a byte flipped in a model file beside the BOM', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'modelvet-bom-projects-'));
      cpSync(root, dir, { recursive: true });
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    const cases: Array<[project: string, bom: string]> = [
      ['cyclonedx-hub', 'model.cdx.json'],
      ['spdx3', 'model.spdx3.json'],
      ['spdx2', 'model.spdx.json'],
    ];
    for (const [project, bomName] of cases) {
      it(`${project}: integrity/checksum-mismatch names the file and the BOM`, async () => {
        const clean = await scan({ cwd: dir, paths: [project] });
        expect(clean.findings.filter((f) => f.ruleId.startsWith('integrity/')), show(clean)).to.deep.equal([]);
        const weights = join(dir, project, 'model.safetensors');
        const bytes = readFileSync(weights);
        bytes[bytes.length - 1] ^= 1;
        writeFileSync(weights, bytes);
        const tampered = await scan({ cwd: dir, paths: [project] });
        const mismatch = tampered.findings.filter((f) => f.ruleId === 'integrity/checksum-mismatch');
        expect(mismatch.map((f) => [f.severity, f.path]), show(tampered)).to.deep.equal([['critical', `${project}/model.safetensors`]]);
        expect(mismatch[0]!.message).to.include(`the BOM ${project}/${bomName}`);
      });
    }
  });
});
