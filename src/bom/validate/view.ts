import type { BomChatTemplate, BomFacts, BomFile, BomFileRole, BomHyperparameter, BomMetric } from '../types.js';
import type { Severity } from '../../types.js';

/**
 * `BomFacts` once checked, with what both writers derive from them worked out once (URLs, purls,
 * merged datasets and base models, licence references, the file a finding affects), every list in
 * its output order. Writers read only this: a view exists only for facts that passed every check.
 */
export interface BomView {
  facts: BomFacts;
  /** The Hub endpoint without a trailing slash (https://huggingface.co unless the facts name one). */
  endpoint: string;
  model: ViewModel;
  licenses: ViewLicense[];
  files: ViewFile[];
  datasets: ViewDataset[];
  metrics: ViewMetric[];
  ancestors: ViewAncestor[];
  chatTemplates: ViewChatTemplate[];
  verdicts: ViewVerdict[];
  hyperparameters: BomHyperparameter[];
  /** Sorted, without duplicates. */
  languages: string[];
  tags: string[];
  /** arXiv / DOI tags as links (only these two are turned into URLs: both have a fixed resolver). */
  citations: Array<{ tag: string; url: string }>;
  framework?: ViewFramework;
  /** `YYYY-MM-DDTHH:MM:SSZ` (SPDX 3 accepts no fractions or offsets): `facts.timestamp` in UTC. */
  timestamp?: string;
}

export interface ViewModel {
  /** `facts.model.name`. */
  name: string;
  /** The repo's namespace, when the repo id has one. */
  group?: string;
  /** The repo's name without the namespace, else `name`. */
  shortName: string;
  repo?: string;
  commit?: string;
  purl?: string;
  supplier?: string;
  /** `<endpoint>/<supplier>` when the supplier is the repo's namespace. */
  supplierUrl?: string;
  description?: string;
  source: BomFacts['model']['source'];
  /** Only with repo (repoUrl) and repo + commit (the rest): links that name one revision. */
  urls?: { repo: string; tree?: string; card?: string };
}

export type ViewLicense =
  | {
      kind: 'spdx';
      expression: string;
      declared: string;
      /** The single SPDX id when the expression is exactly one id (no `+`, no `WITH`). */
      singleId?: string;
      /** The expression as a term of a larger `AND` (parenthesised when compound). */
      term: string;
    }
  | {
      kind: 'named';
      name: string;
      url?: string;
      declared: string;
      /** `LicenseRef-<name>` for SPDX expressions. */
      ref: string;
      term: string;
    };

export interface ViewFile extends BomFile {
  /** Lowercase, when present. */
  sha256?: string;
  role: BomFileRole;
}

export interface ViewDataset {
  /** Hub id, else the name as written: what merges the training and evaluation mentions of one dataset. */
  key: string;
  name: string;
  hubId?: string;
  /** Sorted: the facts' URLs, else the Hub dataset page for a Hub id. */
  urls: string[];
  roles: Array<'training' | 'evaluation'>;
}

export interface ViewMetric extends BomMetric {
  /** `<dataset>/<config>/<split>`, the parts that are known. */
  slice?: string;
}

export interface ViewAncestor {
  repo: string;
  group?: string;
  shortName: string;
  commit?: string;
  /** With the commit when pinned, else without a version. */
  purl: string;
  relations: Array<NonNullable<BomFacts['ancestors'][number]['relation']>>;
  sources: Array<BomFacts['ancestors'][number]['source']>;
  /** Tree URL when pinned, else the repo page. */
  url: string;
}

export interface ViewChatTemplate extends BomChatTemplate {
  sha256: string;
}

export interface ViewVerdict {
  ruleId: string;
  severity: Severity;
  path: string;
  message: string;
  /** `<ruleId>#<12 hex>`: stable across runs, distinct per rule, path, severity and message. */
  id: string;
  /** The listed file the finding is in (an archive member's container), else undefined (the model). */
  file?: string;
}

export interface ViewFramework {
  /** `library_name` as the card writes it. */
  name: string;
  /** `pkg:pypi/<package>` for library names whose PyPI package is known. */
  purl?: string;
}

export type FactsCheck = { ok: true; view: BomView } | { ok: false; errors: string[] };
