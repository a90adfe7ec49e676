import { BOM_PATH_PROPERTY } from '../../integrity/bom-digests.js';
import type { BomView, ViewAncestor, ViewChatTemplate, ViewDataset, ViewFile, ViewFramework } from '../validate/view.js';
import { sortedProperties } from './properties.js';
import { chatTemplateRef, datasetRef, fileRef, frameworkRef } from './refs.js';
import type { CdxComponent, CdxProperty } from './types.js';

/**
 * A file of the model, nested under the model component. `modelvet:path` is what `modelvet scan`'s
 * integrity check matches files beside a BOM by; the hash is there only when it is a real SHA-256 of
 * the content (hashed locally or the Hub's LFS digest).
 */
export function fileComponent(file: ViewFile, extra: readonly CdxProperty[]): CdxComponent {
  const properties: CdxProperty[] = [
    { name: BOM_PATH_PROPERTY, value: file.path },
    { name: 'modelvet:role', value: file.role },
    { name: 'modelvet:size', value: String(file.size) },
    ...extra,
  ];
  if (file.format) properties.push({ name: 'modelvet:format', value: file.format });
  if (file.executesCode !== undefined) properties.push({ name: 'modelvet:executes-code', value: String(file.executesCode) });
  if (file.sha256 && file.sha256Source) properties.push({ name: 'modelvet:sha256-source', value: file.sha256Source });
  if (file.role === 'tokenizer') properties.push({ name: 'cdx:ai-ml:model:tokenizer', value: 'true' });
  return {
    type: 'file',
    name: file.path,
    'bom-ref': fileRef(file.path),
    ...(file.sha256 ? { hashes: [{ alg: 'SHA-256', content: file.sha256 }] } : {}),
    properties: sortedProperties(properties),
  };
}

/**
 * A chat template is code the tokenizer runs on every prompt: its own hashed component, named so it
 * can never be taken for a file (the integrity check matches names to files), pointing at its file.
 */
export function chatTemplateComponent(template: ViewChatTemplate): CdxComponent {
  return {
    type: 'data',
    name: `${template.file}#chat_template${template.name === 'default' ? '' : `:${template.name}`}`,
    'bom-ref': chatTemplateRef(template.file, template.name),
    hashes: [{ alg: 'SHA-256', content: template.sha256 }],
    data: [{ type: 'configuration', name: template.name }],
    properties: sortedProperties([
      { name: 'cdx:ai-ml:model:template:chat', value: template.name },
      { name: 'modelvet:template-file', value: template.file },
      { name: 'modelvet:sha256-of', value: 'template text (UTF-8)' },
    ]),
  };
}

/** A dataset the card names, once however many roles it has; its roles as properties. */
export function datasetComponent(dataset: ViewDataset): CdxComponent {
  const [first, ...more] = dataset.urls;
  return {
    type: 'data',
    name: dataset.name,
    'bom-ref': datasetRef(dataset),
    data: [{ type: 'dataset', name: dataset.name, ...(first ? { contents: { url: first } } : {}) }],
    ...(more.length ? { externalReferences: more.map((url) => ({ type: 'distribution' as const, url })) } : {}),
    properties: sortedProperties([
      ...dataset.roles.map((role) => ({ name: 'modelvet:dataset-role', value: role })),
      ...(dataset.hubId ? [{ name: 'modelvet:hub-dataset', value: dataset.hubId }] : []),
    ]),
  };
}

export function frameworkComponent(framework: ViewFramework): CdxComponent {
  return {
    type: 'framework',
    name: framework.name,
    'bom-ref': frameworkRef(framework),
    ...(framework.purl ? { purl: framework.purl } : {}),
    properties: [{ name: 'modelvet:hub-library-name', value: framework.name }],
  };
}

/** A base model: pinned (version, purl with the commit) only when a source pins it. */
export function ancestorComponent(ancestor: ViewAncestor): CdxComponent {
  return {
    type: 'machine-learning-model',
    ...(ancestor.group ? { group: ancestor.group } : {}),
    name: ancestor.shortName,
    ...(ancestor.commit ? { version: ancestor.commit } : {}),
    'bom-ref': ancestor.purl,
    purl: ancestor.purl,
    externalReferences: [{ type: ancestor.commit ? 'distribution' : 'website', url: ancestor.url }],
    properties: sortedProperties([
      ...ancestor.relations.map((relation) => ({ name: 'modelvet:base-model-relation', value: relation })),
      ...ancestor.sources.map((source) => ({ name: 'modelvet:base-model-source', value: source })),
    ]),
  };
}

/** `pedigree.notes`: each base model and how this model derives from it, in one line. */
export function pedigreeNotes(view: BomView): string {
  const each = view.ancestors.map(
    (a) => `${a.repo}${a.commit ? `@${a.commit}` : ''} (${a.relations.length ? a.relations.join(', ') : 'relation not stated'}; from ${a.sources.join(', ')})`,
  );
  return `Base models: ${each.join('; ')}`;
}
