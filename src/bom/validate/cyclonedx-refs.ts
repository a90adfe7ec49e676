/**
 * What the CycloneDX schema cannot say: every bom-ref unique, every reference resolving, every hash
 * a SHA-256 (the only digest modelvet records, and the one `modelvet scan` checks files against).
 * Works on any parsed document: a malformed one gives errors, never an exception.
 */

const SHA256 = /^[0-9a-fA-F]{64}$/;
/** Deeper than any BOM modelvet writes; a document nested further is refused rather than walked. */
const MAX_DEPTH = 64;

type Json = Record<string, unknown>;
const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const records = (v: unknown): Json[] => (Array.isArray(v) ? v.filter(isRecord) : []);

interface Walk {
  refs: Map<string, string>;
  errors: string[];
}

/** Collects every `bom-ref` in the document (components, licences, vulnerabilities, model cards, …) and checks hashes. */
function collect(node: unknown, at: string, walk: Walk, depth: number): void {
  if (depth > MAX_DEPTH) {
    walk.errors.push(`${at}: nested deeper than ${MAX_DEPTH} levels`);
    return;
  }
  if (Array.isArray(node)) {
    node.forEach((item, i) => collect(item, `${at}/${i}`, walk, depth + 1));
    return;
  }
  if (!isRecord(node)) return;
  const ref = node['bom-ref'];
  if (typeof ref === 'string') {
    const first = walk.refs.get(ref);
    if (first !== undefined) walk.errors.push(`${at}: bom-ref ${JSON.stringify(ref)} is also used at ${first}`);
    else walk.refs.set(ref, at || '(top level)');
    if (ref.startsWith('urn:cdx:')) walk.errors.push(`${at}: bom-ref ${JSON.stringify(ref)} starts with urn:cdx: (reserved for BOM-Links)`);
  }
  if (Array.isArray(node.hashes)) {
    node.hashes.forEach((hash, i) => {
      const h = isRecord(hash) ? hash : {};
      if (h.alg !== 'SHA-256') walk.errors.push(`${at}/hashes/${i}: algorithm ${JSON.stringify(h.alg)} is not SHA-256`);
      else if (typeof h.content !== 'string' || !SHA256.test(h.content)) walk.errors.push(`${at}/hashes/${i}: ${JSON.stringify(h.content)} is not a 64-hex SHA-256`);
    });
  }
  for (const [key, value] of Object.entries(node)) collect(value, `${at}/${key}`, walk, depth + 1);
}

/** Model cards can sit on any component; their dataset refs must resolve too. */
function modelCardRefs(node: unknown, at: string, out: Array<[string, unknown]>, depth: number): void {
  if (depth > MAX_DEPTH) return;
  if (Array.isArray(node)) {
    node.forEach((item, i) => modelCardRefs(item, `${at}/${i}`, out, depth + 1));
    return;
  }
  if (!isRecord(node)) return;
  if (isRecord(node.modelCard) && isRecord(node.modelCard.modelParameters)) {
    records(node.modelCard.modelParameters.datasets).forEach((d, i) => {
      if ('ref' in d) out.push([`${at}/modelCard/modelParameters/datasets/${i}/ref`, d.ref]);
    });
  }
  for (const [key, value] of Object.entries(node)) if (key !== 'modelCard') modelCardRefs(value, `${at}/${key}`, out, depth + 1);
}

export function cyclonedxRefErrors(doc: unknown): string[] {
  if (!isRecord(doc)) return ['(top level): not a JSON object'];
  const walk: Walk = { refs: new Map(), errors: [] };
  collect(doc, '', walk, 0);

  const uses: Array<[string, unknown]> = [];
  const seenDependency = new Set<string>();
  records(doc.dependencies).forEach((d, i) => {
    uses.push([`/dependencies/${i}/ref`, d.ref]);
    if (typeof d.ref === 'string') {
      if (seenDependency.has(d.ref)) walk.errors.push(`/dependencies/${i}: ${JSON.stringify(d.ref)} has a second dependency entry`);
      seenDependency.add(d.ref);
    }
    for (const key of ['dependsOn', 'provides']) {
      if (Array.isArray(d[key])) (d[key] as unknown[]).forEach((r, j) => uses.push([`/dependencies/${i}/${key}/${j}`, r]));
    }
  });
  records(doc.vulnerabilities).forEach((v, i) => records(v.affects).forEach((a, j) => uses.push([`/vulnerabilities/${i}/affects/${j}/ref`, a.ref])));
  records(doc.citations).forEach((c, i) => {
    for (const key of ['attributedTo', 'process']) if (key in c) uses.push([`/citations/${i}/${key}`, c[key]]);
  });
  records(doc.compositions).forEach((c, i) => {
    for (const key of ['assemblies', 'dependencies', 'vulnerabilities']) {
      if (Array.isArray(c[key])) (c[key] as unknown[]).forEach((r, j) => uses.push([`/compositions/${i}/${key}/${j}`, r]));
    }
  });
  if (isRecord(doc.metadata)) modelCardRefs(doc.metadata.component, '/metadata/component', uses, 0);
  modelCardRefs(doc.components, '/components', uses, 0);

  for (const [at, ref] of uses) {
    // BOM-Links point into other documents: not checkable here.
    if (typeof ref === 'string' && ref.startsWith('urn:cdx:')) continue;
    if (typeof ref !== 'string' || !walk.refs.has(ref)) walk.errors.push(`${at}: ${JSON.stringify(ref)} names no bom-ref in this BOM`);
  }
  return walk.errors;
}
