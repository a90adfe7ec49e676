import { BOM_PATH_PROPERTY } from '../../integrity/bom-digests.js';
import type { BomFileRole } from '../types.js';
import { parameterCountLabel } from '../cyclonedx/properties.js';
import { byString } from '../validate/text.js';
import type { BomView, ViewAncestor } from '../validate/view.js';
import { SpdxIds } from './ids.js';
import {
  NOASSERTION,
  NO_ASSERTION_ELEMENT_IRI,
  NO_ASSERTION_LICENSE,
  SPDX_CONTEXT,
  type SpdxAiPackage,
  type SpdxCdxExtension,
  type SpdxDocumentJson,
  type SpdxExternalRef,
  type SpdxNode,
  type SpdxPurpose,
  type SpdxRelationship,
  type SpdxRelationshipType,
} from './types.js';

/**
 * `CreationInfo.created` is required, and modelvet writes no clock time unless asked (`--timestamp`):
 * without one it is the Unix epoch, a value no real document has, said so in the CreationInfo's
 * comment. The same facts then give the same bytes.
 */
export const SPDX_EPOCH = '1970-01-01T00:00:00Z';

const PURPOSE: Partial<Record<BomFileRole, SpdxPurpose>> = {
  weights: 'model',
  config: 'configuration',
  tokenizer: 'data',
  'chat-template': 'configuration',
  code: 'source',
  card: 'documentation',
  license: 'documentation',
};

const DATA_ROLES: ReadonlySet<BomFileRole> = new Set(['weights', 'config', 'tokenizer', 'chat-template']);

type Props = Array<[string, string]>;

function extension(props: Props): SpdxCdxExtension[] | undefined {
  if (!props.length) return undefined;
  const sorted = [...props].sort((a, b) => byString(a[0], b[0]) || byString(a[1], b[1]));
  return [
    {
      type: 'extension_CdxPropertiesExtension',
      extension_cdxProperty: sorted.map(([name, value]) => ({ type: 'extension_CdxPropertyEntry', extension_cdxPropName: name, extension_cdxPropValue: value })),
    },
  ];
}

class GraphBuilder {
  readonly nodes: SpdxNode[] = [];
  private readonly organizations = new Set<string>();

  constructor(
    readonly view: BomView,
    readonly ids: SpdxIds,
  ) {}

  get ci(): string {
    return this.ids.creationInfo;
  }

  /** An Organization element for a Hub namespace or supplier, once per name. */
  organization(name: string): string {
    const id = this.ids.organization(name);
    if (!this.organizations.has(name)) {
      this.organizations.add(name);
      this.nodes.push({ type: 'Organization', spdxId: id, creationInfo: this.ci, name });
    }
    return id;
  }

  relationship(from: string, type: SpdxRelationshipType, to: string[], comment?: string, key?: string): void {
    const rel: SpdxRelationship = {
      type: 'Relationship',
      spdxId: this.ids.relationship(from, type, key),
      creationInfo: this.ci,
      from,
      relationshipType: type,
      to: [...to].sort(byString),
      ...(comment ? { comment } : {}),
    };
    this.nodes.push(rel);
  }

  /**
   * The AI profile requires exactly one declared and one concluded licence relationship per
   * AIPackage. Declared: what the card says, else NoAssertionLicense. Concluded: modelvet draws no
   * licence conclusion, so always NoAssertionLicense.
   */
  licenses(owner: string, declared: string | undefined): void {
    this.relationship(owner, 'hasDeclaredLicense', [declared ?? NO_ASSERTION_LICENSE], declared ? undefined : 'no source declares a licence');
    this.relationship(owner, 'hasConcludedLicense', [NO_ASSERTION_LICENSE], 'modelvet reports the declared licence and concludes none');
  }
}

function declaredLicense(b: GraphBuilder, owner: string): string | undefined {
  const { licenses } = b.view;
  if (!licenses.length) return undefined;
  const id = b.ids.license(owner, 'declared');
  const named = licenses.flatMap((l) => (l.kind === 'named' && l.url ? [{ type: 'DictionaryEntry' as const, key: l.ref, value: l.url }] : []));
  b.nodes.push({
    type: 'simplelicensing_LicenseExpression',
    spdxId: id,
    creationInfo: b.ci,
    simplelicensing_licenseExpression: licenses.length === 1 ? (licenses[0]!.kind === 'spdx' ? licenses[0]!.expression : licenses[0]!.ref) : licenses.map((l) => l.term).join(' AND '),
    ...(named.length ? { simplelicensing_customIdToUri: named } : {}),
    ...(licenses.some((l) => l.declared !== (l.kind === 'spdx' ? l.expression : l.name))
      ? { comment: `as declared: ${licenses.map((l) => JSON.stringify(l.declared)).join(', ')}` }
      : {}),
  });
  return id;
}

function modelPackage(b: GraphBuilder): string {
  const { view, ids } = b;
  const { model, facts } = view;
  const refs: SpdxExternalRef[] = [];
  if (model.urls?.tree) refs.push({ type: 'ExternalRef', externalRefType: 'vcs', locator: [model.urls.repo] });
  if (model.urls?.card) refs.push({ type: 'ExternalRef', externalRefType: 'documentation', locator: [model.urls.card], comment: 'model card' });
  for (const c of view.citations) refs.push({ type: 'ExternalRef', externalRefType: 'documentation', locator: [c.url], comment: c.tag });
  const props: Props = [['modelvet:source', model.source]];
  if (facts.parameterCount) {
    props.push(['cdx:ai-ml:model:parameter:count', parameterCountLabel(facts.parameterCount.value)]);
    props.push(['modelvet:parameter-count', String(facts.parameterCount.value)]);
  }
  if (view.languages.length) props.push(['cdx:ai-ml:model:languages', view.languages.join(',')]);
  for (const t of view.tags) props.push(['modelvet:tag', t]);
  const typeOfModel = [facts.architecture, facts.architectureFamily].filter((s): s is string => !!s);
  const pkg: SpdxAiPackage = {
    type: 'ai_AIPackage',
    spdxId: ids.model,
    creationInfo: b.ci,
    name: model.name,
    software_primaryPurpose: 'model',
    suppliedBy: model.supplier ? b.organization(model.supplier) : NO_ASSERTION_ELEMENT_IRI,
    software_downloadLocation: model.urls?.tree ?? model.urls?.repo ?? NOASSERTION,
    software_packageVersion: model.commit ?? NOASSERTION,
    ...(model.purl ? { software_packageUrl: model.purl } : {}),
    ...(model.urls ? { software_homePage: model.urls.repo } : {}),
    ...(model.description ? { description: model.description } : {}),
    ...(typeOfModel.length ? { ai_typeOfModel: [...new Set(typeOfModel)] } : {}),
    ...(facts.task ? { ai_informationAboutApplication: `Hugging Face pipeline task: ${facts.task}` } : {}),
    ...(view.hyperparameters.length ? { ai_hyperparameter: view.hyperparameters.map((h) => ({ type: 'DictionaryEntry' as const, key: h.key, value: h.value })) } : {}),
    ...(view.metrics.length
      ? { ai_metric: view.metrics.map((m) => ({ type: 'DictionaryEntry' as const, key: m.slice ? `${m.type} (${m.slice})` : m.type, value: m.value })) }
      : {}),
    ...(refs.length ? { externalRef: refs } : {}),
    ...(extension(props) ? { extension: extension(props) } : {}),
    comment: 'releaseTime is left out: no source modelvet reads gives the release time (SPDX 3 has no no-assertion date)',
  };
  b.nodes.push(pkg);
  b.licenses(ids.model, declaredLicense(b, ids.model));
  return ids.model;
}

function files(b: GraphBuilder): void {
  const { view, ids } = b;
  for (const f of view.files) {
    const props: Props = [
      [BOM_PATH_PROPERTY, f.path],
      ['modelvet:role', f.role],
      ['modelvet:size', String(f.size)],
    ];
    if (f.format) props.push(['modelvet:format', f.format]);
    if (f.executesCode !== undefined) props.push(['modelvet:executes-code', String(f.executesCode)]);
    if (f.sha256 && f.sha256Source) props.push(['modelvet:sha256-source', f.sha256Source]);
    const purpose = PURPOSE[f.role];
    b.nodes.push({
      type: 'software_File',
      spdxId: ids.file(f.path),
      creationInfo: b.ci,
      name: f.path,
      ...(purpose ? { software_primaryPurpose: purpose } : {}),
      ...(f.sha256 ? { verifiedUsing: [{ type: 'Hash', algorithm: 'sha256', hashValue: f.sha256 }] } : {}),
      extension: extension(props),
    });
  }
  if (view.files.length) b.relationship(ids.model, 'contains', view.files.map((f) => ids.file(f.path)));
  // What the model loads as data (weights, configuration, tokenizer, templates), as opposed to code and documents.
  const data = view.files.filter((f) => DATA_ROLES.has(f.role));
  if (data.length) b.relationship(ids.model, 'hasDataFile', data.map((f) => ids.file(f.path)));
  // A chat template is part of a file (tokenizer_config.json, a GGUF header): a snippet of it, hashed as text.
  for (const t of view.chatTemplates) {
    b.nodes.push({
      type: 'software_Snippet',
      spdxId: ids.chatTemplate(t.file, t.name),
      creationInfo: b.ci,
      name: `chat template ${t.name}`,
      software_snippetFromFile: ids.file(t.file),
      software_primaryPurpose: 'configuration',
      verifiedUsing: [{ type: 'Hash', algorithm: 'sha256', hashValue: t.sha256, comment: 'SHA-256 of the template text (UTF-8)' }],
      extension: extension([['cdx:ai-ml:model:template:chat', t.name]]),
    });
  }
}

function datasets(b: GraphBuilder): void {
  const { view, ids } = b;
  for (const d of view.datasets) {
    const namespace = d.hubId?.includes('/') ? d.hubId.split('/')[0] : undefined;
    b.nodes.push({
      type: 'dataset_DatasetPackage',
      spdxId: ids.dataset(d),
      creationInfo: b.ci,
      name: d.name,
      software_primaryPurpose: 'data',
      // Nothing modelvet reads says what kind of data it is, who made it or when.
      dataset_datasetType: ['noAssertion'],
      originatedBy: [NO_ASSERTION_ELEMENT_IRI],
      ...(namespace ? { suppliedBy: b.organization(namespace) } : {}),
      software_downloadLocation: d.urls[0] ?? NOASSERTION,
      ...(d.urls.length > 1
        ? { externalRef: d.urls.slice(1).map((url) => ({ type: 'ExternalRef' as const, externalRefType: 'altDownloadLocation' as const, locator: [url] })) }
        : {}),
    });
  }
  const training = view.datasets.filter((d) => d.roles.includes('training')).map((d) => ids.dataset(d));
  const evaluation = view.datasets.filter((d) => d.roles.includes('evaluation')).map((d) => ids.dataset(d));
  if (training.length) b.relationship(ids.model, 'trainedOn', training, 'datasets the model card lists');
  if (evaluation.length) b.relationship(ids.model, 'testedOn', evaluation, 'datasets of the model card’s model-index results');
}

function ancestor(b: GraphBuilder, a: ViewAncestor): void {
  const id = b.ids.ancestor(a);
  b.nodes.push({
    type: 'ai_AIPackage',
    spdxId: id,
    creationInfo: b.ci,
    name: a.repo,
    software_primaryPurpose: 'model',
    suppliedBy: a.group ? b.organization(a.group) : NO_ASSERTION_ELEMENT_IRI,
    software_downloadLocation: a.url,
    software_packageVersion: a.commit ?? NOASSERTION,
    software_packageUrl: a.purl,
    comment: `base model named by ${a.sources.join(', ')}; releaseTime and licence are not known to modelvet`,
  });
  b.licenses(id, undefined);
  const relation = a.relations.length ? `base_model_relation: ${a.relations.join(', ')}` : 'base_model_relation not stated';
  b.relationship(b.ids.model, 'descendantOf', [id], `${relation} (from ${a.sources.join(', ')})`, `${a.repo}${a.commit ? `@${a.commit}` : ''}`);
}

function framework(b: GraphBuilder): void {
  const fw = b.view.framework;
  if (!fw) return;
  const id = b.ids.framework(fw.name);
  b.nodes.push({
    type: 'software_Package',
    spdxId: id,
    creationInfo: b.ci,
    name: fw.name,
    software_primaryPurpose: 'framework',
    ...(fw.purl ? { software_packageUrl: fw.purl } : {}),
    comment: 'the library the model card names (library_name)',
  });
  b.relationship(b.ids.model, 'dependsOn', [id]);
}

/** Findings as review annotations on the file they are in (else the model): SPDX's place for an assessment. */
function verdicts(b: GraphBuilder): void {
  for (const v of b.view.verdicts) {
    const where = v.path !== v.file && v.path !== '' ? ` (at ${v.path})` : '';
    b.nodes.push({
      type: 'Annotation',
      spdxId: b.ids.finding(v.id),
      creationInfo: b.ci,
      annotationType: 'review',
      subject: v.file !== undefined ? b.ids.file(v.file) : b.ids.model,
      statement: `modelvet ${v.severity} ${v.ruleId}: ${v.message}${where}`,
      extension: extension([
        ['modelvet:finding-id', v.id],
        ['modelvet:rule', v.ruleId],
        ['modelvet:severity', v.severity],
      ]),
    });
  }
}

const RANK: Record<string, number> = { CreationInfo: 0, SpdxDocument: 1 };
const nodeId = (n: SpdxNode): string => ('spdxId' in n ? n.spdxId : n['@id']);

export function buildSpdx(view: BomView): SpdxDocumentJson {
  const ids = new SpdxIds(view);
  const b = new GraphBuilder(view, ids);
  b.nodes.push({
    type: 'CreationInfo',
    '@id': ids.creationInfo,
    specVersion: '3.0.1',
    created: view.timestamp ?? SPDX_EPOCH,
    createdBy: [ids.agent],
    createdUsing: [ids.tool],
    ...(view.timestamp ? {} : { comment: 'created is the Unix epoch: written without --timestamp, so the same input gives the same document' }),
  });
  b.nodes.push({ type: 'SoftwareAgent', spdxId: ids.agent, creationInfo: b.ci, name: 'modelvet' });
  b.nodes.push({ type: 'Tool', spdxId: ids.tool, creationInfo: b.ci, name: `modelvet ${view.facts.tool.version}` });
  modelPackage(b);
  files(b);
  datasets(b);
  for (const a of view.ancestors) ancestor(b, a);
  framework(b);
  verdicts(b);
  const elements = b.nodes.filter((n) => n.type !== 'CreationInfo').map(nodeId);
  const profiles = ['core', 'software', 'ai', ...(view.datasets.length ? ['dataset'] : [])].sort(byString);
  b.nodes.push({
    type: 'SpdxDocument',
    spdxId: ids.document,
    creationInfo: b.ci,
    name: `AI BOM of ${view.model.purl ?? view.model.name}`,
    profileConformance: profiles,
    rootElement: [ids.model],
    element: elements.sort(byString),
  });
  const graph = b.nodes.sort((x, y) => (RANK[x.type] ?? 2) - (RANK[y.type] ?? 2) || byString(x.type, y.type) || byString(nodeId(x), nodeId(y)));
  return { '@context': SPDX_CONTEXT, '@graph': graph };
}
