import type { Anomaly, ByteReader } from '../../types.js';
import type { AnalyseContext } from '../../engine/format-handler.js';
import { anomaly } from '../anomaly.js';
import { chatTemplateArtifact } from './analyse.js';
import { TEMPLATE_CODES } from './codes.js';
import { parsePythonJson } from './json.js';
import { decodeUtf8 } from './text.js';
import type { AutoMapEntry, ChatTemplateArtifact, TemplateConfigKind, TokenizerConfigArtifact } from './types.js';

export const TEMPLATE_CONFIG_FILES: readonly TemplateConfigKind[] = ['tokenizer_config.json', 'processor_config.json', 'chat_template.json'];

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const own = (o: Record<string, unknown>, key: string): unknown => (Object.hasOwn(o, key) ? o[key] : undefined);

interface NamedTemplate {
  name?: string;
  text: string;
}

/**
 * transformers accepts `chat_template` as a string, a list of {name, template} (turned into a
 * dict, the last of a repeated name winning) or a dict of name → template.
 */
function templatesOf(raw: unknown, file: string, problems: Anomaly[]): NamedTemplate[] {
  if (raw === undefined || raw === null) return [];
  if (typeof raw === 'string') return [{ text: raw }];
  const bad = (why: string): void => {
    problems.push(anomaly(TEMPLATE_CODES.configMalformed, `${file} has a chat_template transformers cannot use (${why}); its templates were not all checked`, undefined, { field: 'chat_template', problem: why }));
  };
  if (Array.isArray(raw)) {
    const out: NamedTemplate[] = [];
    raw.forEach((item, i) => {
      const name = isObject(item) ? own(item, 'name') : undefined;
      const template = isObject(item) ? own(item, 'template') : undefined;
      if (typeof name === 'string' && typeof template === 'string') out.push({ name, text: template });
      else bad(`entry ${i} is not a {name, template} pair of strings`);
    });
    return out;
  }
  if (isObject(raw)) {
    const out: NamedTemplate[] = [];
    for (const [name, template] of Object.entries(raw)) {
      if (typeof template === 'string') out.push({ name, text: template });
      else bad(`template ${JSON.stringify(name)} is not a string`);
    }
    return out;
  }
  bad(`it is a ${typeof raw}`);
  return [];
}

/** `auto_map` as transformers reads it: a dict of Auto class → reference(s), or (old tokenizers) a bare [slow, fast] pair. */
function autoMapOf(raw: unknown, file: string, problems: Anomaly[]): AutoMapEntry[] {
  if (raw === undefined || raw === null) return [];
  const map: Array<[string, unknown]> = Array.isArray(raw) ? [['AutoTokenizer', raw]] : isObject(raw) ? Object.entries(raw) : [];
  if (map.length === 0 && !isObject(raw)) {
    problems.push(anomaly(TEMPLATE_CODES.configMalformed, `${file} has an auto_map transformers cannot use (it is a ${typeof raw})`, undefined, { field: 'auto_map' }));
    return [];
  }
  const entries: AutoMapEntry[] = [];
  const entry = (autoClass: string, reference: unknown): void => {
    if (reference === null) {
      entries.push({ autoClass, reference: null });
      return;
    }
    if (typeof reference !== 'string') {
      problems.push(anomaly(TEMPLATE_CODES.configMalformed, `${file} maps ${autoClass} to something that is not a class reference`, undefined, { field: 'auto_map', autoClass }));
      return;
    }
    const cut = reference.indexOf('--');
    entries.push({ autoClass, reference, ...(cut > 0 ? { repository: reference.slice(0, cut) } : {}) });
  };
  for (const [autoClass, value] of map) {
    if (Array.isArray(value)) for (const v of value) entry(autoClass, v);
    else entry(autoClass, value);
  }
  return entries;
}

function emptyArtifact(path: string, size: number, kind: TemplateConfigKind, anomalies: Anomaly[]): TokenizerConfigArtifact {
  return { path, format: 'tokenizer-config', size, anomalies, children: [], tokenizerConfig: { templateCount: 0, kind, templateNames: [], autoMap: [] } };
}

/** A tokenizer/processor config (already decoded) with its chat templates as children. */
export function templateConfigFromText(text: string, path: string, kind: TemplateConfigKind, size = Buffer.byteLength(text, 'utf8')): TokenizerConfigArtifact {
  const parsed = parsePythonJson(text);
  if (!parsed.ok) {
    return emptyArtifact(path, size, kind, [anomaly(TEMPLATE_CODES.configMalformed, `${kind} is not valid JSON (${parsed.error}); transformers refuses it and its chat templates were not checked`, undefined, { problem: 'json', error: parsed.error })]);
  }
  if (!isObject(parsed.value)) {
    return emptyArtifact(path, size, kind, [anomaly(TEMPLATE_CODES.configMalformed, `${kind} holds a JSON ${Array.isArray(parsed.value) ? 'array' : typeof parsed.value}, not an object; transformers refuses it`, undefined, { problem: 'not-an-object' })]);
  }
  const config = parsed.value;
  const anomalies: Anomaly[] = [];
  const templates = templatesOf(own(config, 'chat_template'), kind, anomalies);
  const autoMap = autoMapOf(own(config, 'auto_map'), kind, anomalies);
  const tokenizerClass = own(config, 'tokenizer_class');
  const seen = new Map<string, number>();
  const children: ChatTemplateArtifact[] = templates.map((t, i) => {
    const member = t.name === undefined ? 'chat_template' : `chat_template.${t.name}`;
    const repeat = seen.has(member);
    seen.set(member, i);
    return chatTemplateArtifact(t.text, `${path}!${member}${repeat ? `#${i}` : ''}`, 'tokenizer-config', t.name);
  });
  return {
    path,
    format: 'tokenizer-config',
    size,
    anomalies,
    children,
    tokenizerConfig: {
      ...(typeof tokenizerClass === 'string' ? { tokenizerClass } : {}),
      templateCount: templates.length,
      kind,
      templateNames: templates.map((t) => t.name ?? 'default'),
      autoMap,
    },
  };
}

/** Reads a config whole (it is JSON) under the JSON cap, as transformers would read it. */
export async function analyseTemplateConfig(reader: ByteReader, context: AnalyseContext, kind: TemplateConfigKind): Promise<TokenizerConfigArtifact> {
  const cap = context.options.maxJsonBytes;
  if (reader.size > cap) {
    return emptyArtifact(context.path, reader.size, kind, [
      anomaly(TEMPLATE_CODES.configTooLarge, `${kind} is ${reader.size} bytes, over the ${cap}-byte JSON limit, so its chat templates were not checked`, undefined, { size: reader.size, limit: cap }),
    ]);
  }
  const text = decodeUtf8(await reader.read(0, reader.size));
  if (text === null) {
    return emptyArtifact(context.path, reader.size, kind, [anomaly(TEMPLATE_CODES.configMalformed, `${kind} is not valid UTF-8; transformers refuses it and its chat templates were not checked`, undefined, { problem: 'utf-8' })]);
  }
  return templateConfigFromText(text, context.path, kind, reader.size);
}
