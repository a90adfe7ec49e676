/**
 * The project's own SPDX 3.0.1 checks (the official JSON schema enforces none of the AI and Dataset
 * profiles' required fields nor the licence relationships): the graph's shape, ids unique and every
 * reference resolving, each AIPackage's and DatasetPackage's required properties and their shapes,
 * and the AI profile's exactly-one declared and concluded licence. Runs on any parsed document;
 * never throws.
 *
 * Deliberately not required: `releaseTime` (AIPackage, DatasetPackage) and `builtTime`
 * (DatasetPackage). SPDX 3 has no "no assertion" value for a date and modelvet reads no source
 * for them; they are checked when present. Every other required property must be there, with the
 * SPDX no-assertion forms where nothing is known.
 */

const CONTEXT = 'https://spdx.org/rdf/3.0.1/spdx-context.jsonld';
const DATE_TIME = /^\d\d\d\d-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
const SHA256 = /^[0-9a-f]{64}$/;
const IRI = /^(?!_:)[^\s:]+:\S+$/;
const BLANK = /^_:\S+$/;

/** SPDX's named individuals: references to them resolve without an element in the graph. */
const INDIVIDUALS = new Set([
  'NoAssertionElement',
  'NoneElement',
  'SpdxOrganization',
  'expandedlicensing_NoAssertionLicense',
  'expandedlicensing_NoneLicense',
  'https://spdx.org/rdf/3.0.1/terms/Core/NoAssertionElement',
  'https://spdx.org/rdf/3.0.1/terms/Core/NoneElement',
  'https://spdx.org/rdf/3.0.1/terms/Core/SpdxOrganization',
  'https://spdx.org/rdf/3.0.1/terms/ExpandedLicensing/NoAssertionLicense',
  'https://spdx.org/rdf/3.0.1/terms/ExpandedLicensing/NoneLicense',
]);
const LICENSE_INDIVIDUALS = new Set([
  'expandedlicensing_NoAssertionLicense',
  'expandedlicensing_NoneLicense',
  'https://spdx.org/rdf/3.0.1/terms/ExpandedLicensing/NoAssertionLicense',
  'https://spdx.org/rdf/3.0.1/terms/ExpandedLicensing/NoneLicense',
]);

/** Classes whose instances are Elements (have an spdxId), as the 3.0.1 context names them. */
const ELEMENT_CLASSES = new Set([
  'Agent', 'Annotation', 'Bom', 'Bundle', 'IndividualElement', 'LifecycleScopedRelationship', 'Organization', 'Person',
  'Relationship', 'SoftwareAgent', 'SpdxDocument', 'Tool', 'ai_AIPackage', 'build_Build', 'dataset_DatasetPackage',
  'expandedlicensing_ConjunctiveLicenseSet', 'expandedlicensing_CustomLicense', 'expandedlicensing_CustomLicenseAddition',
  'expandedlicensing_DisjunctiveLicenseSet', 'expandedlicensing_IndividualLicensingInfo', 'expandedlicensing_ListedLicense',
  'expandedlicensing_ListedLicenseException', 'expandedlicensing_OrLaterOperator', 'expandedlicensing_WithAdditionOperator',
  'security_CvssV2VulnAssessmentRelationship', 'security_CvssV3VulnAssessmentRelationship', 'security_CvssV4VulnAssessmentRelationship',
  'security_EpssVulnAssessmentRelationship', 'security_ExploitCatalogVulnAssessmentRelationship', 'security_SsvcVulnAssessmentRelationship',
  'security_VexAffectedVulnAssessmentRelationship', 'security_VexFixedVulnAssessmentRelationship',
  'security_VexNotAffectedVulnAssessmentRelationship', 'security_VexUnderInvestigationVulnAssessmentRelationship', 'security_Vulnerability',
  'simplelicensing_LicenseExpression', 'simplelicensing_SimpleLicensingText', 'software_File', 'software_Package', 'software_Sbom',
  'software_Snippet',
]);
const LICENSE_CLASSES = new Set([
  'simplelicensing_LicenseExpression', 'expandedlicensing_ConjunctiveLicenseSet', 'expandedlicensing_CustomLicense',
  'expandedlicensing_DisjunctiveLicenseSet', 'expandedlicensing_IndividualLicensingInfo', 'expandedlicensing_ListedLicense',
  'expandedlicensing_OrLaterOperator', 'expandedlicensing_WithAdditionOperator',
]);
const PURPOSES = new Set([
  'application', 'archive', 'bom', 'configuration', 'container', 'data', 'device', 'deviceDriver', 'diskImage', 'documentation',
  'evidence', 'executable', 'file', 'filesystemImage', 'firmware', 'framework', 'install', 'library', 'manifest', 'model', 'module',
  'operatingSystem', 'other', 'patch', 'platform', 'requirement', 'source', 'specification', 'test',
]);
const DATASET_TYPES = new Set([
  'audio', 'categorical', 'graph', 'image', 'noAssertion', 'numeric', 'other', 'sensor', 'structured', 'syntactic', 'text',
  'timeseries', 'timestamp', 'video',
]);
const PRESENCE = new Set(['yes', 'no', 'noAssertion']);
/** Properties whose values name other elements (one IRI, or a list of them). */
const REFERENCE_PROPERTIES = ['from', 'to', 'subject', 'suppliedBy', 'originatedBy', 'rootElement', 'element', 'software_snippetFromFile'];

type Json = Record<string, unknown>;
const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNonEmpty = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
const show = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v) ?? String(v));

export function validateSpdx(doc: unknown): string[] {
  const errors: string[] = [];
  if (!isRecord(doc)) return ['(top level): not a JSON object'];
  if (doc['@context'] !== CONTEXT) errors.push(`@context: must be ${CONTEXT}`);
  if (!Array.isArray(doc['@graph'])) return [...errors, '@graph: missing or not an array'];
  const graph = doc['@graph'] as unknown[];

  const elements = new Map<string, Json>();
  const creationInfos = new Set<string>();
  graph.forEach((node, i) => {
    if (!isRecord(node) || typeof node.type !== 'string') {
      errors.push(`@graph[${i}]: not an object with a type`);
      return;
    }
    if (node.type === 'CreationInfo') {
      const id = node['@id'];
      if (typeof id !== 'string' || !BLANK.test(id)) errors.push(`@graph[${i}] CreationInfo: @id ${show(id)} is not a blank node`);
      else if (creationInfos.has(id)) errors.push(`@graph[${i}] CreationInfo: @id ${id} used twice`);
      else creationInfos.add(id);
      return;
    }
    if (!ELEMENT_CLASSES.has(node.type)) {
      errors.push(`@graph[${i}]: ${show(node.type)} is not an SPDX 3.0.1 element class`);
      return;
    }
    const id = node.spdxId;
    if (typeof id !== 'string' || !IRI.test(id)) errors.push(`@graph[${i}] ${node.type}: spdxId ${show(id)} is not an IRI`);
    else if (elements.has(id)) errors.push(`@graph[${i}] ${node.type}: spdxId ${id} used twice`);
    else elements.set(id, node);
  });

  const resolves = (ref: unknown): boolean => typeof ref === 'string' && (elements.has(ref) || INDIVIDUALS.has(ref));
  const dateTime = (where: string, key: string, value: unknown, required: boolean): void => {
    if (value === undefined) {
      if (required) errors.push(`${where}: missing ${key}`);
    } else if (typeof value !== 'string' || !DATE_TIME.test(value)) errors.push(`${where}: ${key} ${show(value)} is not YYYY-MM-DDTHH:MM:SSZ`);
  };

  for (const node of graph) {
    if (!isRecord(node) || node.type !== 'CreationInfo') continue;
    const where = `CreationInfo ${show(node['@id'])}`;
    if (node.specVersion !== '3.0.1') errors.push(`${where}: specVersion ${show(node.specVersion)} is not 3.0.1`);
    dateTime(where, 'created', node.created, true);
    for (const key of ['createdBy', 'createdUsing']) {
      const refs = node[key];
      if (refs === undefined && key === 'createdUsing') continue;
      if (!Array.isArray(refs) || (key === 'createdBy' && refs.length === 0)) errors.push(`${where}: ${key} must be a non-empty list`);
      else for (const ref of refs) if (!resolves(ref)) errors.push(`${where}: ${key} ${show(ref)} names no element`);
    }
  }

  const declared = new Map<string, number>();
  const concluded = new Map<string, number>();
  for (const [id, node] of elements) {
    const where = `${node.type} ${id}`;
    const ci = node.creationInfo;
    if (!(typeof ci === 'string' ? creationInfos.has(ci) : isRecord(ci) && ci.type === 'CreationInfo')) errors.push(`${where}: creationInfo ${show(ci)} names no CreationInfo`);
    for (const key of REFERENCE_PROPERTIES) {
      const value = node[key];
      if (value === undefined) continue;
      const refs = Array.isArray(value) ? value : [value];
      for (const ref of refs) if (!resolves(ref)) errors.push(`${where}: ${key} ${show(ref)} names no element in the document`);
    }
    for (const [i, hash] of (Array.isArray(node.verifiedUsing) ? node.verifiedUsing : []).entries()) {
      if (!isRecord(hash) || hash.type !== 'Hash') continue;
      if (hash.algorithm === 'sha256' && !(typeof hash.hashValue === 'string' && SHA256.test(hash.hashValue))) {
        errors.push(`${where}: verifiedUsing[${i}] ${show(hash.hashValue)} is not a lowercase 64-hex SHA-256`);
      }
    }
    if (node.software_primaryPurpose !== undefined && !PURPOSES.has(node.software_primaryPurpose as string)) {
      errors.push(`${where}: software_primaryPurpose ${show(node.software_primaryPurpose)} is not an SPDX software purpose`);
    }

    switch (node.type) {
      case 'ai_AIPackage':
        checkPackageRequired(where, node, errors);
        if (node.suppliedBy === undefined) errors.push(`${where}: missing suppliedBy (an Agent, or NoAssertionElement)`);
        dateTime(where, 'releaseTime', node.releaseTime, false);
        for (const key of ['ai_hyperparameter', 'ai_metric', 'ai_metricDecisionThreshold']) checkDictionary(where, key, node[key], errors);
        for (const key of ['ai_autonomyType', 'ai_useSensitivePersonalInformation']) {
          if (node[key] !== undefined && !PRESENCE.has(node[key] as string)) errors.push(`${where}: ${key} ${show(node[key])} is not yes, no or noAssertion`);
        }
        declared.set(id, 0);
        concluded.set(id, 0);
        break;
      case 'dataset_DatasetPackage':
        checkPackageRequired(where, node, errors);
        if (!Array.isArray(node.dataset_datasetType) || node.dataset_datasetType.length === 0) errors.push(`${where}: dataset_datasetType must be a non-empty list`);
        else for (const t of node.dataset_datasetType) if (!DATASET_TYPES.has(t as string)) errors.push(`${where}: dataset_datasetType ${show(t)} is not an SPDX dataset type`);
        if (!Array.isArray(node.originatedBy) || node.originatedBy.length !== 1) errors.push(`${where}: originatedBy must name exactly one Agent (or NoAssertionElement)`);
        dateTime(where, 'releaseTime', node.releaseTime, false);
        dateTime(where, 'builtTime', node.builtTime, false);
        break;
      case 'Relationship':
        if (!isNonEmpty(node.from)) errors.push(`${where}: missing from`);
        if (!isNonEmpty(node.relationshipType)) errors.push(`${where}: missing relationshipType`);
        if (!Array.isArray(node.to) || node.to.length === 0) errors.push(`${where}: to must be a non-empty list`);
        break;
      case 'Annotation':
        if (!isNonEmpty(node.annotationType)) errors.push(`${where}: missing annotationType`);
        if (!isNonEmpty(node.subject)) errors.push(`${where}: missing subject`);
        break;
      case 'simplelicensing_LicenseExpression':
        if (!isNonEmpty(node.simplelicensing_licenseExpression)) errors.push(`${where}: missing simplelicensing_licenseExpression`);
        break;
      default:
        break;
    }
  }

  // Licence and dataset relationships: counted and typed once every element is known.
  for (const [id, node] of elements) {
    if (node.type !== 'Relationship' || typeof node.from !== 'string' || !Array.isArray(node.to)) continue;
    const where = `Relationship ${id}`;
    const from = elements.get(node.from);
    const type = node.relationshipType;
    if (type === 'hasDeclaredLicense' || type === 'hasConcludedLicense') {
      const counts = type === 'hasDeclaredLicense' ? declared : concluded;
      if (counts.has(node.from)) counts.set(node.from, counts.get(node.from)! + 1);
      if (node.to.length !== 1) errors.push(`${where}: ${type} must point at exactly one licence`);
      for (const to of node.to) {
        const target = typeof to === 'string' ? elements.get(to) : undefined;
        if (!(LICENSE_INDIVIDUALS.has(to as string) || (target && LICENSE_CLASSES.has(target.type as string)))) {
          errors.push(`${where}: ${type} target ${show(to)} is not a licence (AnyLicenseInfo)`);
        }
      }
    }
    if (type === 'trainedOn' || type === 'testedOn') {
      if (from?.type !== 'ai_AIPackage') errors.push(`${where}: ${type} must start at an ai_AIPackage`);
      for (const to of node.to) {
        if (typeof to === 'string' && elements.has(to) && elements.get(to)!.type !== 'dataset_DatasetPackage') errors.push(`${where}: ${type} target ${to} is not a dataset_DatasetPackage`);
      }
    }
  }
  for (const [id, n] of declared) if (n !== 1) errors.push(`ai_AIPackage ${id}: has ${n} hasDeclaredLicense relationships (the AI profile requires exactly one)`);
  for (const [id, n] of concluded) if (n !== 1) errors.push(`ai_AIPackage ${id}: has ${n} hasConcludedLicense relationships (the AI profile requires exactly one)`);

  const documents = [...elements.values()].filter((n) => n.type === 'SpdxDocument');
  if (documents.length !== 1) errors.push(`SpdxDocument: ${documents.length} in the graph, expected one`);
  for (const d of documents) if (!Array.isArray(d.rootElement) || d.rootElement.length === 0) errors.push(`SpdxDocument ${show(d.spdxId)}: rootElement must be a non-empty list`);
  return errors;
}

/** What SPDX requires of every package the profiles describe: a purpose, a download location, and (AIPackage) a version. */
function checkPackageRequired(where: string, node: Json, errors: string[]): void {
  if (!isNonEmpty(node.software_primaryPurpose)) errors.push(`${where}: missing software_primaryPurpose`);
  if (!isNonEmpty(node.software_downloadLocation)) errors.push(`${where}: missing software_downloadLocation (a URL, or NOASSERTION)`);
  if (node.type === 'ai_AIPackage' && !isNonEmpty(node.software_packageVersion)) errors.push(`${where}: missing software_packageVersion (a version, or NOASSERTION)`);
}

/** `DictionaryEntry {key, value}` lists: the AI profile's shape, not `{name, value}` as some generators write. */
function checkDictionary(where: string, key: string, value: unknown, errors: string[]): void {
  if (value === undefined) return;
  if (!Array.isArray(value)) {
    errors.push(`${where}: ${key} is not a list`);
    return;
  }
  value.forEach((entry, i) => {
    if (!isRecord(entry) || entry.type !== 'DictionaryEntry') errors.push(`${where}: ${key}[${i}] is not a DictionaryEntry`);
    else if (!isNonEmpty(entry.key)) errors.push(`${where}: ${key}[${i}] has no key${'name' in entry ? ' (written as name: SPDX 3 uses key)' : ''}`);
    else if (entry.value !== undefined && typeof entry.value !== 'string') errors.push(`${where}: ${key}[${i}] value is not a string`);
  });
}
