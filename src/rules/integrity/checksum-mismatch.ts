import type { FindingInput, Rule } from '../types.js';
import { recordName } from './describe.js';

const short = (hex: string | null): string => (hex ? `${hex.slice(0, 12)}…` : 'nothing');

const rule: Rule = {
  meta: {
    id: 'integrity/checksum-mismatch',
    description: "A file's SHA-256 (or size) differs from the digest a lockfile, BOM, signing manifest or cache name records.",
    severity: 'critical',
    category: 'integrity',
    appliesTo: ['*'],
    docs: {
      description:
        'The bytes on disk are not the bytes that were recorded when the model was trusted: the file was replaced, tampered with, corrupted, or the record was made for another file. Loading it runs whatever the new bytes hold. The finding names the record, the expected digest and the one measured; a Hugging Face cache blob whose content does not hash to its own name is reported the same way, and so are signed byte ranges (model_signing shards).',
      example: 'modelvet.lock.json records sha256 9f86d0… for model.safetensors; the file now hashes to 2c26b4…',
      fix: 'Do not load the file. Download it again from the pinned source (or restore it) and run `modelvet verify`; if the change is intended, review the new file and re-run `modelvet lock`.',
    },
  },
  *check({ artifact, root }) {
    const s = artifact.integrity;
    if (artifact !== root || !s) return;
    const out: FindingInput[] = [];
    if (s.actualSha256 !== undefined) {
      for (const e of s.expected) {
        const shaDiffers = e.sha256 !== s.actualSha256;
        const sizeDiffers = e.size !== undefined && s.actualSize !== undefined && e.size !== s.actualSize;
        if (!shaDiffers && !sizeDiffers) continue;
        const size = sizeDiffers ? ` (${s.actualSize} bytes, not ${e.size})` : '';
        out.push({
          message: `hashes to ${s.actualSha256}${size}, not the ${e.sha256} that ${recordName(e)} records: loading it would run bytes nobody recorded`,
          evidence: { record: e.source, where: e.where, expected: e.sha256, actual: s.actualSha256, ...(e.size !== undefined ? { expectedSize: e.size } : {}), ...(s.actualSize !== undefined ? { actualSize: s.actualSize } : {}) },
        });
      }
    }
    if (s.gitBlob?.actual !== undefined && s.gitBlob.actual !== s.gitBlob.expected) {
      out.push({
        message: `its git blob id is ${s.gitBlob.actual}, not the ${s.gitBlob.expected} its Hugging Face cache blob name (${s.gitBlob.where}) records: the cached file was changed after download`,
        evidence: { record: 'hf-cache', where: s.gitBlob.where, algorithm: 'git-sha1', expected: s.gitBlob.expected, actual: s.gitBlob.actual },
      });
    }
    const shards = s.signedShards;
    if (shards && shards.mismatches.length > 0) {
      const first = shards.mismatches[0]!;
      out.push({
        message: `${shards.mismatches.length} of ${shards.checked} byte ranges signed by ${shards.where} do not match (first: bytes ${first.start}–${first.end} hash to ${short(first.actual)}, signed ${short(first.expected)}): loading it would run bytes nobody signed`,
        evidence: { record: 'signing-manifest', where: shards.where, mismatches: shards.mismatches.slice(0, 20) },
      });
    }
    yield* out;
  },
};

export default rule;
