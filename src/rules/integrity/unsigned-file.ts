import { INTEGRITY_CODES } from '../../integrity/codes.js';
import type { Rule } from '../types.js';

const rule: Rule = {
  meta: {
    id: 'integrity/unsigned-file',
    description: 'A model folder has a signing manifest (model.sig) that does not cover one of its files, or a signed file is missing.',
    severity: 'medium',
    category: 'integrity',
    appliesTo: ['*'],
    docs: {
      description:
        "An OpenSSF model-signing manifest lists every file of the model folder it signs (except the signature itself, VCS files and the signer's ignore paths). A file it does not list was added after signing: a loader may read it (a pickle beside safetensors, custom code) though nobody signed it. model_signing's own verifier rejects such a folder unless told to ignore unsigned files. A signed file that is gone means the folder is not the model that was signed.",
      example: 'model.sig signs model.safetensors and config.json; the folder also holds pytorch_model.bin',
      fix: 'Remove files the signer did not ship, or have the model re-signed with them; restore missing signed files from the original source.',
    },
  },
  *check({ artifact, root }) {
    for (const a of artifact.anomalies) {
      if (a.code !== INTEGRITY_CODES.signedFileMissing && a.code !== INTEGRITY_CODES.fileNotSigned) continue;
      yield { message: a.message, evidence: { code: a.code, ...(a.detail ?? {}) } };
    }
    if (artifact !== root) return;
    for (const r of artifact.integrity?.notRecorded ?? []) {
      if (r.by !== 'signing-manifest') continue;
      yield {
        message: `${r.where} signs this folder but not this file: it was added after signing, and loading it would run bytes nobody signed`,
        evidence: { code: INTEGRITY_CODES.fileNotSigned, signature: r.where },
      };
    }
  },
};

export default rule;
