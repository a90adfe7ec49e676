import { parseDocument } from 'yaml';
import { MAX_YAML_NESTING, yamlNestingDepth } from '../../util/yaml-depth.js';
import type { DeclaredLicense } from './license.js';
import { FACT_LIMITS } from './limits.js';
import { field, text, texts } from './values.js';

/** What extraction reads from a model card's front matter (the Hub's `cardData`). */
export interface CardData {
  license: DeclaredLicense;
  languages: string[];
  tags: string[];
  /** `datasets`: what the model was trained on, as written. */
  datasets: string[];
  baseModels: string[];
  baseModelRelation?: string;
  pipelineTag?: string;
  libraryName?: string;
  /** `model-index`, as parsed (read by model-index.ts). */
  modelIndex?: unknown;
}

const FENCE = '---';

/**
 * The YAML between a `---` line at the top of README.md and the next `---` line, as
 * huggingface_hub's REGEX_YAML_BLOCK finds it (leading blank lines allowed, CRLF too).
 */
export function frontMatterText(readme: string): string | undefined {
  const body = readme.startsWith('\uFEFF') ? readme.slice(1) : readme;
  const lines = body.split(/\r?\n|\r/);
  let start = 0;
  while (start < lines.length && lines[start]!.trim() === '') start++;
  if (lines[start]?.trim() !== FENCE) return undefined;
  for (let end = start + 1; end < lines.length; end++) {
    if (lines[end] === FENCE) return lines.slice(start + 1, end).join('\n');
  }
  return undefined;
}

/** The front matter as a map, or undefined when there is none or it is not valid YAML (a broken card gives nothing). */
export function frontMatter(readme: string): Map<unknown, unknown> | undefined {
  const yamlText = frontMatterText(readme);
  if (yamlText === undefined) return undefined;
  // Nesting that could crash the YAML reader gives no facts, like any broken card.
  if (yamlNestingDepth(yamlText) > MAX_YAML_NESTING) return undefined;
  try {
    // Maps, not objects: keys such as `__proto__` stay data. No custom tags; aliases are capped.
    const doc = parseDocument(yamlText, { uniqueKeys: false, customTags: [], prettyErrors: false });
    if (doc.errors.length > 0) return undefined;
    const data: unknown = doc.toJS({ mapAsMap: true, maxAliasCount: FACT_LIMITS.maxYamlAliases });
    return data instanceof Map ? data : undefined;
  } catch {
    return undefined;
  }
}

/** The fields of a card that become facts; undefined when the README has no readable front matter. */
export function readCard(readme: string): CardData | undefined {
  const data = frontMatter(readme);
  if (!data) return undefined;
  const list = (key: string): string[] => texts(field(data, key), FACT_LIMITS.maxListItems, 200);
  const license: DeclaredLicense = { ids: list('license') };
  const licenseName = text(field(data, 'license_name'), 200);
  const licenseLink = text(field(data, 'license_link'), 2000);
  if (licenseName !== undefined) license.name = licenseName;
  if (licenseLink !== undefined) license.link = licenseLink;
  const card: CardData = {
    license,
    languages: list('language'),
    tags: list('tags'),
    datasets: list('datasets'),
    baseModels: list('base_model'),
  };
  const relation = text(field(data, 'base_model_relation'), 50);
  const pipelineTag = text(field(data, 'pipeline_tag'), 100);
  const libraryName = text(field(data, 'library_name'), 100);
  const modelIndex = field(data, 'model-index');
  if (relation !== undefined) card.baseModelRelation = relation;
  if (pipelineTag !== undefined) card.pipelineTag = pipelineTag;
  if (libraryName !== undefined) card.libraryName = libraryName;
  if (modelIndex !== undefined && modelIndex !== null) card.modelIndex = modelIndex;
  return card;
}
