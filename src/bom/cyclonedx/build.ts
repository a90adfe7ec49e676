import { byString } from '../validate/text.js';
import type { BomView } from '../validate/view.js';
import { citations } from './citations.js';
import { ancestorComponent, chatTemplateComponent, datasetComponent, fileComponent, frameworkComponent, pedigreeNotes } from './components.js';
import { cyclonedxLicenses } from './licenses.js';
import { modelCard } from './model-card.js';
import { sortedProperties } from './properties.js';
import { datasetRef, fileRef, frameworkRef, modelRef } from './refs.js';
import type { CdxBom, CdxComponent, CdxDependency, CdxExternalReference, CdxProperty, CdxSpecVersion } from './types.js';
import { infoFindingProperties, vulnerabilities } from './verdicts.js';

const byRef = (a: CdxComponent, b: CdxComponent): number => byString(a['bom-ref'] ?? a.name, b['bom-ref'] ?? b.name);

/** Links that name one revision (only with repo and commit), licence links, and paper links from tags. */
function externalReferences(view: BomView, version: CdxSpecVersion): CdxExternalReference[] | undefined {
  const refs: CdxExternalReference[] = [];
  const { urls } = view.model;
  if (urls?.tree) {
    refs.push({ type: 'distribution', url: urls.tree });
    refs.push({ type: 'vcs', url: urls.repo });
  }
  if (urls?.card) refs.push({ type: 'model-card', url: urls.card });
  for (const license of view.licenses) if (license.kind === 'named' && license.url) refs.push({ type: 'license', url: license.url });
  // 1.7 has a `citation` reference type; 1.6 files papers under documentation.
  for (const c of view.citations) refs.push({ type: version === '1.7' ? 'citation' : 'documentation', url: c.url, comment: c.tag });
  const unique = [...new Map(refs.map((r) => [`${r.type} ${r.url}`, r])).values()];
  return unique.length ? unique.sort((a, b) => byString(a.type, b.type) || byString(a.url, b.url)) : undefined;
}

function modelComponent(view: BomView, version: CdxSpecVersion, info: Map<string, CdxProperty[]>): CdxComponent {
  const { model } = view;
  const ref = modelRef(view);
  const nested = [
    ...view.files.map((f) => fileComponent(f, info.get(fileRef(f.path)) ?? [])),
    ...view.chatTemplates.map(chatTemplateComponent),
  ].sort(byRef);
  const properties: CdxProperty[] = [{ name: 'modelvet:source', value: model.source }, ...(info.get(ref) ?? [])];
  for (const l of view.licenses) {
    const written = l.kind === 'spdx' ? l.expression : l.name;
    if (l.declared !== written) properties.push({ name: 'modelvet:license-declared', value: `${l.declared} (written as ${written})` });
  }
  const card = modelCard(view);
  const licenses = cyclonedxLicenses(view.licenses, version);
  const links = externalReferences(view, version);
  return {
    type: 'machine-learning-model',
    'bom-ref': ref,
    ...(model.group ? { group: model.group } : {}),
    name: model.shortName,
    ...(model.commit ? { version: model.commit } : {}),
    ...(model.description ? { description: model.description } : {}),
    ...(model.supplier ? { supplier: { name: model.supplier, ...(model.supplierUrl ? { url: [model.supplierUrl] } : {}) } } : {}),
    ...(model.purl ? { purl: model.purl } : {}),
    ...(licenses ? { licenses } : {}),
    ...(links ? { externalReferences: links } : {}),
    ...(card ? { modelCard: card } : {}),
    ...(view.ancestors.length ? { pedigree: { ancestors: view.ancestors.map(ancestorComponent), notes: pedigreeNotes(view) } } : {}),
    ...(nested.length ? { components: nested } : {}),
    properties: sortedProperties(properties),
    ...(view.tags.length ? { tags: view.tags } : {}),
  };
}

/**
 * The model first (as `metadata.component`), its files nested in it; datasets and the framework as
 * top-level components the model depends on; findings as vulnerabilities. Same content for 1.6 and
 * 1.7 except where 1.7 has a sourced place for more (licence mixes, citation references, citations).
 */
export function buildCycloneDx(view: BomView, version: CdxSpecVersion): CdxBom {
  const info = infoFindingProperties(view);
  const model = modelComponent(view, version, info);
  const top = [...view.datasets.map(datasetComponent), ...(view.framework ? [frameworkComponent(view.framework)] : [])].sort(byRef);
  const targets = [...view.datasets.map(datasetRef), ...(view.framework ? [frameworkRef(view.framework)] : [])].sort(byString);
  const dependencies: CdxDependency[] = [
    { ref: modelRef(view), ...(targets.length ? { dependsOn: targets } : {}) },
    ...targets.map((ref) => ({ ref })),
  ].sort((a, b) => byString(a.ref, b.ref));
  const vulns = vulnerabilities(view);
  const cited = version === '1.7' ? citations(view, model) : [];
  return {
    $schema: `http://cyclonedx.org/schema/bom-${version}.schema.json`,
    bomFormat: 'CycloneDX',
    specVersion: version,
    version: 1,
    metadata: {
      ...(view.timestamp ? { timestamp: view.timestamp } : {}),
      tools: { components: [{ type: 'application', name: 'modelvet', version: view.facts.tool.version }] },
      component: model,
      // Without a timestamp, the same input gives the same bytes: say so the way CycloneDX tools do.
      ...(view.timestamp ? {} : { properties: [{ name: 'cdx:reproducible', value: 'true' }] }),
    },
    ...(top.length ? { components: top } : {}),
    dependencies,
    ...(vulns.length ? { vulnerabilities: vulns } : {}),
    ...(cited.length ? { citations: cited } : {}),
  };
}
