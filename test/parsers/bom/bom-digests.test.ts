/** The integrity pass's reading of BOMs (src/integrity/bom-digests.ts) for SPDX 3 and SPDX 2, and the names it shares with the handler. */
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FORMAT_HANDLERS } from '../../../src/engine/handlers.js';
import { bomDigests, isBomName } from '../../../src/integrity/bom-digests.js';
import { BOM_PROJECTS, SHA256_A } from './helpers.js';

const sha256 = (rel: string): string => createHash('sha256').update(readFileSync(join(BOM_PROJECTS, rel))).digest('hex');

describe('integrity: SPDX BOM digests and BOM names', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'modelvet-bom-digests-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, data: unknown): string => {
    const p = join(dir, name);
    writeFileSync(p, typeof data === 'string' ? data : JSON.stringify(data));
    return p;
  };

  it('SPDX 3: a software_File name with its verifiedUsing sha256', () => {
    expect(Object.fromEntries(bomDigests(join(BOM_PROJECTS, 'spdx3', 'model.spdx3.json'), 1 << 20))).to.deep.equal({ 'model.safetensors': [sha256('spdx3/model.safetensors')] });
  });

  it('SPDX 2.3: files[].fileName (./ dropped) with its SHA256 checksum; SHA1-only files give nothing', () => {
    expect(Object.fromEntries(bomDigests(join(BOM_PROJECTS, 'spdx2', 'model.spdx.json'), 1 << 20))).to.deep.equal({ 'model.safetensors': [sha256('spdx2/model.safetensors')] });
  });

  it('SPDX 2: a package with a packageFileName and a SHA256 records that file; SPDX packages are never matched by name', () => {
    const p = write('x.spdx.json', {
      spdxVersion: 'SPDX-2.3',
      packages: [
        { SPDXID: 'a', name: 'model.gguf', packageFileName: './dist/model.gguf', checksums: [{ algorithm: 'SHA256', checksumValue: SHA256_A.toUpperCase() }] },
        { SPDXID: 'b', name: 'weights.bin', checksums: [{ algorithm: 'SHA256', checksumValue: 'b'.repeat(64) }] },
      ],
    });
    expect(Object.fromEntries(bomDigests(p, 1 << 20))).to.deep.equal({ 'dist/model.gguf': [SHA256_A] });
  });

  it('SPDX 3 packages and malformed sha256 values give nothing; the same file named twice keeps both digests', () => {
    const ctx = 'https://spdx.org/rdf/3.0.1/spdx-context.jsonld';
    const p = write('y.spdx3.json', {
      '@context': ctx,
      '@graph': [
        { type: 'ai_AIPackage', spdxId: 'm', name: 'model.safetensors', verifiedUsing: [{ type: 'Hash', algorithm: 'sha256', hashValue: SHA256_A }] },
        { type: 'software_File', spdxId: 'f1', name: 'w.bin', verifiedUsing: [{ type: 'Hash', algorithm: 'sha256', hashValue: 'b'.repeat(64) }] },
        { type: 'software_File', spdxId: 'f2', name: './w.bin', verifiedUsing: [{ type: 'Hash', algorithm: 'sha256', hashValue: 'c'.repeat(64) }] },
        { type: 'software_File', spdxId: 'f3', name: 'bad.bin', verifiedUsing: [{ type: 'Hash', algorithm: 'sha256', hashValue: 'xyz' }] },
      ],
    });
    expect(Object.fromEntries(bomDigests(p, 1 << 20))).to.deep.equal({ 'w.bin': ['b'.repeat(64), 'c'.repeat(64)] });
  });

  it('one list of names: every name the integrity pass reads, the handler takes when the content is a BOM, and a recommended name by name alone', () => {
    const handler = FORMAT_HANDLERS.find((h) => h.format === 'ai-bom')!;
    const head = new TextEncoder().encode('{"bomFormat":"CycloneDX","specVersion":"1.6"}');
    const other = new TextEncoder().encode('{"name":"not a bom"}');
    for (const name of ['bom.json', 'sbom.json', 'aibom.json', 'model.cdx.json', 'release.bom.json', 'x.sbom.json', 'model.cdx', 'm.spdx.json', 'm.spdx3.json', 'm.spdx.jsonld', 'BOM.JSON']) {
      expect(isBomName(name), name).to.equal(true);
      expect(handler.sniff({ name, head, size: head.length }), name).to.equal(true);
    }
    for (const name of ['model.cdx.json', 'm.spdx.json', 'm.spdx3.json']) expect(handler.sniff({ name, head: other, size: other.length }), name).to.equal(true);
    for (const name of ['bom.json', 'sbom.json', 'model.cdx']) expect(handler.sniff({ name, head: other, size: other.length }), name).to.equal(false);
    for (const name of ['config.json', '.cdx.json', 'bom.jsonl', 'bom.yaml', 'tokenizer.json']) expect(isBomName(name), name).to.equal(false);
  });
});
