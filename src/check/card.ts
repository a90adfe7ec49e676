import { parse } from 'yaml';
import { MAX_YAML_NESTING, yamlNestingDepth } from '../util/yaml-depth.js';
import type { HubLicense } from './types.js';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A model card's YAML front matter (`---` … `---` at the top of README.md), or undefined. */
export function cardFrontMatter(text: string): Record<string, unknown> | undefined {
  const m = /^\uFEFF?---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/.exec(text);
  if (!m) return undefined;
  // A card is remote, hostile text: nesting that could crash the YAML reader gives nothing.
  if (yamlNestingDepth(m[1]!) > MAX_YAML_NESTING) return undefined;
  try {
    // A card is untrusted text: no custom tags, no aliases blown up into huge documents.
    const data: unknown = parse(m[1]!, { maxAliasCount: 100, customTags: [], uniqueKeys: false });
    return isRecord(data) ? data : undefined;
  } catch {
    return undefined;
  }
}

const str = (v: unknown, max = 200): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim().slice(0, max) : undefined);

const strings = (v: unknown, max = 100): string[] => {
  const list = Array.isArray(v) ? v : v === undefined ? [] : [v];
  return list.map((x) => str(x)).filter((x): x is string => x !== undefined).slice(0, max);
};

/** The licence a card (cardData or front matter) declares, else the one a `license:` tag carries. */
export function licenseOf(card: Record<string, unknown> | undefined, tags: readonly string[]): HubLicense | undefined {
  const id = card ? strings(card['license'])[0] : undefined;
  const name = card ? str(card['license_name']) : undefined;
  const link = card ? str(card['license_link'], 500) : undefined;
  if (id !== undefined || name !== undefined || link !== undefined) {
    return { ...(id !== undefined ? { id } : {}), ...(name !== undefined ? { name } : {}), ...(link !== undefined ? { link } : {}), source: 'card' };
  }
  const tag = tags.find((t) => t.startsWith('license:'));
  return tag !== undefined && tag.length > 'license:'.length ? { id: tag.slice('license:'.length), source: 'tags' } : undefined;
}

/** `base_model` as written: one id or a list. */
export const baseModelsOf = (card: Record<string, unknown> | undefined): string[] => (card ? strings(card['base_model']) : []);
