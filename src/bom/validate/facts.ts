import { SEVERITIES } from '../../types.js';
import type { BomFacts, BomFileRole } from '../types.js';
import { pypiPurlOf } from './frameworks.js';
import { COMMIT, huggingfacePurl, REPO_ID, splitRepo } from './identity.js';
import { checkLicenses } from './licenses.js';
import { byString, isCount, isHttpUrl, isNonEmpty, isString, list, sha256Hex } from './text.js';
import type { BomView, FactsCheck, ViewAncestor, ViewChatTemplate, ViewDataset, ViewFile, ViewMetric, ViewVerdict } from './view.js';

const DEFAULT_ENDPOINT = 'https://huggingface.co';
const SHA256 = /^[0-9a-fA-F]{64}$/;
/** A property-name segment for `cdx:ai-ml:model:hyperparameter:<key>`. */
const HYPERPARAMETER_KEY = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;
const ARXIV_TAG = /^arxiv:((?:\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?\/\d{7})(?:v\d+)?)$/;
const DOI_TAG = /^doi:(10\.\d{4,9}\/[\x21-\x7e]+)$/;
const ROLES: readonly BomFileRole[] = ['weights', 'config', 'tokenizer', 'chat-template', 'code', 'card', 'license', 'signature', 'other'];
const RELATIONS = ['adapter', 'merge', 'quantized', 'finetune'] as const;
const ANCESTOR_SOURCES = ['card', 'adapter_config', 'gguf'] as const;
const SOURCES = ['folder', 'hf-cache', 'hub'] as const;

/** Where a finding lands: the listed file it names, or the file an archive member (`a.pt!data.pkl`) sits in. */
function fileOfFinding(path: string, files: ReadonlySet<string>): string | undefined {
  if (files.has(path)) return path;
  const container = path.split('!')[0];
  return container !== undefined && files.has(container) ? container : undefined;
}

/**
 * Checks facts and derives the view both writers build from. Every problem is listed (never just
 * the first): facts that fail are an extraction bug the user should see whole.
 */
export function checkFacts(facts: BomFacts): FactsCheck {
  const errors: string[] = [];
  const fail = (message: string): void => void errors.push(message);

  if (typeof facts !== 'object' || facts === null || typeof facts.model !== 'object' || facts.model === null) {
    return { ok: false, errors: ['facts: not an object with a model'] };
  }
  const { model } = facts;

  if (facts.tool?.name !== 'modelvet' || !isNonEmpty(facts.tool.version)) fail('tool: must be modelvet with a version');
  if (!isNonEmpty(model.name)) fail('model.name: empty');
  if (!SOURCES.includes(model.source)) fail(`model.source: ${JSON.stringify(model.source)} is not one of ${SOURCES.join(', ')}`);
  if (model.repo !== undefined && !(isString(model.repo) && REPO_ID.test(model.repo))) fail(`model.repo: ${JSON.stringify(model.repo)} is not a Hub repo id`);
  if (model.commit !== undefined && !(isString(model.commit) && COMMIT.test(model.commit))) fail(`model.commit: ${JSON.stringify(model.commit)} is not a 40-hex lowercase commit`);
  if (model.endpoint !== undefined && !(isString(model.endpoint) && isHttpUrl(model.endpoint))) fail(`model.endpoint: ${JSON.stringify(model.endpoint)} is not an http(s) URL`);
  if (model.supplier !== undefined && !isNonEmpty(model.supplier)) fail('model.supplier: empty');
  if (model.description !== undefined && !isNonEmpty(model.description)) fail('model.description: empty');
  const repoOk = isString(model.repo) && REPO_ID.test(model.repo);
  const commitOk = isString(model.commit) && COMMIT.test(model.commit);
  if (model.purl !== undefined) {
    if (!repoOk || !commitOk) fail('model.purl: given without a valid repo and commit');
    else if (model.purl !== huggingfacePurl(model.repo!, model.commit)) {
      fail(`model.purl: ${JSON.stringify(model.purl)} is not ${huggingfacePurl(model.repo!, model.commit)} (from repo and commit)`);
    }
  }

  // The lookbehind starts a match only where the trailing run begins: linear, where the plain `x+$` is quadratic on a long run that is not trailing.
  const endpoint = (isString(model.endpoint) && isHttpUrl(model.endpoint) ? model.endpoint : DEFAULT_ENDPOINT).replace(/(?<!\/)\/+$/, '');

  // Files first: findings and chat templates point into them.
  const files: ViewFile[] = [];
  const paths = new Set<string>();
  for (const [i, file] of list(facts.files).entries()) {
    const at = `files[${i}]`;
    if (!isNonEmpty(file?.path)) {
      fail(`${at}.path: empty`);
      continue;
    }
    const where = `${at} (${file.path})`;
    if (file.path.startsWith('/') || file.path.includes('\\') || file.path.split('/').some((s) => s === '' || s === '.' || s === '..')) {
      fail(`${where}.path: not a relative /-separated path`);
    }
    if (paths.has(file.path)) fail(`${where}.path: listed twice`);
    paths.add(file.path);
    if (!isCount(file.size)) fail(`${where}.size: ${JSON.stringify(file.size)} is not a byte count`);
    if (!ROLES.includes(file.role)) fail(`${where}.role: ${JSON.stringify(file.role)} is not one of ${ROLES.join(', ')}`);
    if (file.sha256 !== undefined && !(isString(file.sha256) && SHA256.test(file.sha256))) fail(`${where}.sha256: ${JSON.stringify(file.sha256)} is not a 64-hex SHA-256`);
    if (file.sha256Source !== undefined && (file.sha256 === undefined || !['local', 'hub-lfs'].includes(file.sha256Source))) {
      fail(`${where}.sha256Source: ${JSON.stringify(file.sha256Source)} needs a sha256 and is local or hub-lfs`);
    }
    if (file.executesCode !== undefined && typeof file.executesCode !== 'boolean') fail(`${where}.executesCode: not a boolean`);
    if (file.format !== undefined && !isNonEmpty(file.format)) fail(`${where}.format: empty`);
    files.push({ ...file, ...(isString(file.sha256) ? { sha256: file.sha256.toLowerCase() } : {}) });
  }
  files.sort((a, b) => byString(a.path, b.path));

  const licenses = checkLicenses(list(facts.licenses), fail);

  for (const key of ['task', 'architecture', 'architectureFamily', 'libraryName'] as const) {
    if (facts[key] !== undefined && !isNonEmpty(facts[key])) fail(`${key}: empty`);
  }
  const strings = (name: 'languages' | 'tags'): string[] => {
    const out = new Set<string>();
    for (const [i, value] of list(facts[name]).entries()) {
      if (!isNonEmpty(value)) fail(`${name}[${i}]: empty`);
      else out.add(value);
    }
    return [...out].sort(byString);
  };
  const languages = strings('languages');
  const tags = strings('tags');
  for (const language of languages) if (language.includes(',')) fail(`languages: ${JSON.stringify(language)} contains a comma (the CycloneDX value is comma-separated)`);

  if (facts.parameterCount !== undefined && !(isCount(facts.parameterCount.value) && isNonEmpty(facts.parameterCount.source))) {
    fail('parameterCount: needs a non-negative integer value and a source');
  }

  const hyperKeys = new Set<string>();
  for (const [i, h] of list(facts.hyperparameters).entries()) {
    const at = `hyperparameters[${i}]`;
    if (!(isString(h?.key) && HYPERPARAMETER_KEY.test(h.key))) fail(`${at}.key: ${JSON.stringify(h?.key)} is not a property-name segment`);
    else if (hyperKeys.has(h.key)) fail(`${at}.key: ${h.key} given twice`);
    else hyperKeys.add(h.key);
    if (!isNonEmpty(h?.value)) fail(`${at}.value: empty`);
    if (!isNonEmpty(h?.source)) fail(`${at}.source: empty`);
  }
  const hyperparameters = [...list(facts.hyperparameters)].sort((a, b) => byString(a.key, b.key));

  const datasets = new Map<string, ViewDataset>();
  for (const [i, d] of list(facts.datasets).entries()) {
    const at = `datasets[${i}]`;
    const before = errors.length;
    if (!isNonEmpty(d?.name)) fail(`${at}.name: empty`);
    if (d?.hubId !== undefined && !(isString(d.hubId) && REPO_ID.test(d.hubId))) fail(`${at}.hubId: ${JSON.stringify(d.hubId)} is not a Hub dataset id`);
    if (d?.url !== undefined && !(isString(d.url) && isHttpUrl(d.url))) fail(`${at}.url: ${JSON.stringify(d.url)} is not an http(s) URL`);
    if (d?.role !== 'training' && d?.role !== 'evaluation') fail(`${at}.role: ${JSON.stringify(d?.role)} is not training or evaluation`);
    if (errors.length > before) continue;
    const key = d.hubId ?? d.name;
    const entry = datasets.get(key) ?? { key, name: d.name, ...(d.hubId ? { hubId: d.hubId } : {}), urls: [], roles: [] };
    if (byString(d.name, entry.name) < 0) entry.name = d.name;
    if (d.url && !entry.urls.includes(d.url)) entry.urls.push(d.url);
    if (!entry.roles.includes(d.role)) entry.roles.push(d.role);
    datasets.set(key, entry);
  }
  for (const d of datasets.values()) {
    if (!d.urls.length && d.hubId) d.urls.push(`${endpoint}/datasets/${d.hubId}`);
    d.urls.sort(byString);
    d.roles.sort(byString);
  }

  const metrics: ViewMetric[] = [];
  for (const [i, m] of list(facts.metrics).entries()) {
    const at = `metrics[${i}]`;
    if (!isNonEmpty(m?.type) || !isNonEmpty(m?.value)) {
      fail(`${at}: needs a type and a value`);
      continue;
    }
    if (m.dataset !== undefined && !isNonEmpty(m.dataset?.name)) fail(`${at}.dataset.name: empty`);
    const d = m.dataset;
    const parts = d && isNonEmpty(d.name) ? [d.hubId ?? d.name, d.config, d.split].filter(isNonEmpty) : [];
    metrics.push({ ...m, ...(parts.length ? { slice: parts.join('/') } : {}) });
  }
  const metricKey = (m: ViewMetric): string => [m.type, m.slice ?? '', m.value, m.name ?? '', m.task ?? ''].join('\0');
  metrics.sort((a, b) => byString(metricKey(a), metricKey(b)));

  const ancestors = new Map<string, ViewAncestor>();
  for (const [i, a] of list(facts.ancestors).entries()) {
    const at = `ancestors[${i}]`;
    const before = errors.length;
    if (!(isString(a?.repo) && REPO_ID.test(a.repo))) fail(`${at}.repo: ${JSON.stringify(a?.repo)} is not a Hub repo id`);
    if (a?.commit !== undefined && !(isString(a.commit) && COMMIT.test(a.commit))) fail(`${at}.commit: ${JSON.stringify(a.commit)} is not a 40-hex lowercase commit`);
    if (a?.relation !== undefined && !RELATIONS.includes(a.relation)) fail(`${at}.relation: ${JSON.stringify(a.relation)} is not one of ${RELATIONS.join(', ')}`);
    if (!ANCESTOR_SOURCES.includes(a?.source)) fail(`${at}.source: ${JSON.stringify(a?.source)} is not one of ${ANCESTOR_SOURCES.join(', ')}`);
    if (errors.length > before) continue;
    const key = `${a.repo}@${a.commit ?? ''}`;
    const entry: ViewAncestor = ancestors.get(key) ?? {
      repo: a.repo,
      ...splitRepo(a.repo),
      ...(a.commit ? { commit: a.commit } : {}),
      purl: huggingfacePurl(a.repo, a.commit),
      relations: [],
      sources: [],
      url: a.commit ? `${endpoint}/${a.repo}/tree/${a.commit}` : `${endpoint}/${a.repo}`,
    };
    if (a.relation && !entry.relations.includes(a.relation)) entry.relations.push(a.relation);
    if (!entry.sources.includes(a.source)) entry.sources.push(a.source);
    ancestors.set(key, entry);
  }
  for (const a of ancestors.values()) {
    a.relations.sort(byString);
    a.sources.sort(byString);
    if (repoOk && a.repo === model.repo && a.commit === model.commit) fail(`ancestors: ${a.repo} is the model itself`);
  }

  const chatTemplates: ViewChatTemplate[] = [];
  const templateKeys = new Set<string>();
  for (const [i, t] of list(facts.chatTemplates).entries()) {
    const at = `chatTemplates[${i}]`;
    if (!isNonEmpty(t?.name) || !isNonEmpty(t?.file)) {
      fail(`${at}: needs a name and a file`);
      continue;
    }
    if (!paths.has(t.file)) fail(`${at}.file: ${t.file} is not among the files`);
    if (!(isString(t.sha256) && SHA256.test(t.sha256))) fail(`${at}.sha256: ${JSON.stringify(t.sha256)} is not a 64-hex SHA-256`);
    const key = `${t.file}\0${t.name}`;
    if (templateKeys.has(key)) fail(`${at}: template ${t.name} of ${t.file} listed twice`);
    templateKeys.add(key);
    chatTemplates.push({ name: t.name, file: t.file, sha256: isString(t.sha256) ? t.sha256.toLowerCase() : '' });
  }
  chatTemplates.sort((a, b) => byString(a.file, b.file) || byString(a.name, b.name));

  const verdicts = new Map<string, ViewVerdict>();
  for (const [i, v] of list(facts.verdicts).entries()) {
    const at = `verdicts[${i}]`;
    if (!isNonEmpty(v?.ruleId) || !SEVERITIES.includes(v?.severity) || !isString(v?.path) || !isNonEmpty(v?.message)) {
      fail(`${at}: needs a ruleId, a severity (${SEVERITIES.join(', ')}), a path and a message`);
      continue;
    }
    const id = `${v.ruleId}#${sha256Hex([v.ruleId, v.severity, v.path, v.message].join('\0')).slice(0, 12)}`;
    const file = fileOfFinding(v.path, paths);
    verdicts.set(id, { ruleId: v.ruleId, severity: v.severity, path: v.path, message: v.message, id, ...(file !== undefined ? { file } : {}) });
  }
  const severityRank = (s: string): number => SEVERITIES.indexOf(s as (typeof SEVERITIES)[number]);
  const sortedVerdicts = [...verdicts.values()].sort(
    (a, b) => severityRank(a.severity) - severityRank(b.severity) || byString(a.ruleId, b.ruleId) || byString(a.path, b.path) || byString(a.id, b.id),
  );

  let timestamp: string | undefined;
  if (facts.timestamp !== undefined) {
    const when = isString(facts.timestamp) && ISO_8601.test(facts.timestamp) ? new Date(facts.timestamp) : undefined;
    if (!when || Number.isNaN(when.getTime()) || when.getUTCFullYear() < 1970 || when.getUTCFullYear() > 9999) {
      fail(`timestamp: ${JSON.stringify(facts.timestamp)} is not an ISO 8601 date-time`);
    } else timestamp = when.toISOString().replace(/\.\d{3}Z$/, 'Z');
  }

  if (errors.length) return { ok: false, errors };

  const { group, shortName } = model.repo ? splitRepo(model.repo) : { group: undefined, shortName: model.name };
  const citations: BomView['citations'] = [];
  for (const tag of tags) {
    const arxiv = ARXIV_TAG.exec(tag);
    const doi = DOI_TAG.exec(tag);
    if (arxiv) citations.push({ tag, url: `https://arxiv.org/abs/${arxiv[1]}` });
    else if (doi) citations.push({ tag, url: `https://doi.org/${encodeURI(doi[1]!)}` });
  }
  const libraryName = facts.libraryName;
  const pypi = libraryName ? pypiPurlOf(libraryName) : undefined;

  const view: BomView = {
    facts,
    endpoint,
    model: {
      name: model.name,
      ...(group ? { group } : {}),
      shortName,
      source: model.source,
      ...(model.repo ? { repo: model.repo } : {}),
      ...(model.commit ? { commit: model.commit } : {}),
      ...(model.purl ? { purl: model.purl } : {}),
      ...(model.supplier ? { supplier: model.supplier } : {}),
      ...(model.supplier && group === model.supplier ? { supplierUrl: `${endpoint}/${model.supplier}` } : {}),
      ...(model.description ? { description: model.description } : {}),
      ...(model.repo
        ? {
            urls: {
              repo: `${endpoint}/${model.repo}`,
              ...(model.commit ? { tree: `${endpoint}/${model.repo}/tree/${model.commit}` } : {}),
              ...(model.commit && paths.has('README.md') ? { card: `${endpoint}/${model.repo}/blob/${model.commit}/README.md` } : {}),
            },
          }
        : {}),
    },
    licenses,
    files,
    datasets: [...datasets.values()].sort((a, b) => byString(a.key, b.key)),
    metrics,
    ancestors: [...ancestors.values()].sort((a, b) => byString(a.repo, b.repo) || byString(a.commit ?? '', b.commit ?? '')),
    chatTemplates,
    verdicts: sortedVerdicts,
    hyperparameters,
    languages,
    tags,
    citations,
    ...(libraryName ? { framework: { name: libraryName, ...(pypi ? { purl: pypi } : {}) } } : {}),
    ...(timestamp ? { timestamp } : {}),
  };
  return { ok: true, view };
}
