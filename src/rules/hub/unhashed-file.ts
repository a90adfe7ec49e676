import type { HubRepoArtifact } from '../../check/types.js';
import type { Rule } from '../types.js';
import { modelFile } from './files.js';
import { listNames, plural } from './listing.js';

const SHA256 = /^[0-9a-f]{64}$/i;

const rule: Rule = {
  meta: {
    id: 'hub/unhashed-file',
    description: 'Model files stored through Xet with no LFS SHA-256 in the listing cannot be locked or verified without downloading them.',
    severity: 'low',
    category: 'hub',
    appliesTo: ['hub-repo'],
    docs: {
      description:
        "A lockfile or BOM pins each model file to its SHA-256. The Hub's listing gives it for LFS files; a file stored only through Xet carries a Xet hash instead, which is not a SHA-256 of the content, so `modelvet lock` and a BOM cannot record the digest before the file is downloaded and hashed. Files kept in git itself are content-addressed by their blob id and are not a finding.",
      example: 'model.safetensors listed with a xetHash and no lfs.sha256',
      fix: 'Record their SHA-256 once: `modelvet lock hf:<repo>@<commit> --allow-download` downloads and hashes the files the Hub gives no SHA-256 for (or run `modelvet lock <folder>` on a downloaded copy).',
    },
  },
  *check({ artifact }) {
    if (artifact.format !== 'hub-repo') return;
    const { hub } = artifact as HubRepoArtifact;
    const unhashed = hub.files.filter(
      (f) => f.pointer && !(typeof f.lfsSha256 === 'string' && SHA256.test(f.lfsSha256)) && modelFile(f),
    );
    if (unhashed.length === 0) return;
    yield {
      message: `the Hub lists no SHA-256 for ${plural(unhashed.length, 'model file')} (${listNames(unhashed.map((f) => f.path))}), so ${unhashed.length === 1 ? 'it' : 'they'} cannot be locked or verified without downloading ${unhashed.length === 1 ? 'it' : 'them'}`,
      evidence: { files: unhashed.map((f) => ({ path: f.path, size: f.size, ...(f.xetHash !== undefined ? { xetHash: f.xetHash } : {}) })) },
      fix: `run \`modelvet lock hf:${hub.repo}@${hub.commit} --allow-download\` once: it downloads and hashes the files the Hub gives no SHA-256 for and records their digests`,
    };
  },
};
export default rule;
