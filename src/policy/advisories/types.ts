import type { Severity } from '../../types.js';

/** What loading a file with an affected version can lead to. `by-design`: documented behaviour, disputed as a flaw. */
export type AdvisoryKind = 'rce' | 'file-write' | 'file-read' | 'bypass' | 'dos' | 'by-design';

export type AdvisoryEcosystem = 'pypi' | 'npm';

/** One advisory about a model loader (schemas/advisories.schema.json). */
export interface Advisory {
  /** CVE id where there is one, else the GHSA/PYSEC id, else a `modelvet:` name for a non-CVE behaviour change. */
  id: string;
  aliases?: string[];
  ecosystem: AdvisoryEcosystem;
  /** PyPI: PEP 503-normalised. npm: as published. */
  package: string;
  /** Specifier sets (PEP 440 for PyPI, node-semver ranges for npm); a version is affected when any one holds. */
  affected: string[];
  /** Releases that fix it (one per affected line); empty when there is none. */
  fixed: string[];
  kind: AdvisoryKind;
  /** A hint: `info` keeps disputed and by-design rows from failing builds; others are graded by how the version is fixed. */
  severity: Severity;
  summary: string;
  /** Where the row comes from, as the source table gives it. */
  references: string[];
  /** `unverified`: the range or fix comes from one secondary source; messages say so. */
  confidence?: 'unverified';
  /** The project disputes that this is a vulnerability. */
  disputed?: boolean;
  note?: string;
}

/** Known issues kept out of the data because no PyPI/npm range can be checked (build tags, unknown ranges). */
export interface AdvisoryNote {
  package: string;
  ids: string[];
  why: string;
  references?: string[];
}

export interface AdvisoryFile {
  kind: 'loader-advisories';
  version: 1;
  description?: string;
  source?: string;
  /** Other distribution names of one package (`tensorflow-cpu` for `tensorflow`): they match its rows. */
  packageAliases?: Record<string, string[]>;
  notes?: AdvisoryNote[];
  advisories: Advisory[];
}
