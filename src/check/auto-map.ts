import type { HubAutoMap } from './types.js';

const MAX_ENTRIES = 200;

/**
 * `auto_map` of a config.json / tokenizer_config.json: the classes transformers imports from code
 * when `trust_remote_code=True`. Values are `module.Class`, `repo--module.Class`, or a list of them
 * (tokenizers: slow and fast). Anything unreadable gives nothing: the file's own analysis reports it.
 */
export function autoMapOf(file: string, text: string): HubAutoMap | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return undefined;
  const map: unknown = Object.getOwnPropertyDescriptor(doc, 'auto_map')?.value;
  if (typeof map !== 'object' || map === null || Array.isArray(map)) return undefined;
  const entries: HubAutoMap['entries'] = [];
  for (const [key, value] of Object.entries(map)) {
    const targets = Array.isArray(value) ? value : [value];
    for (const target of targets) {
      if (typeof target === 'string' && target !== '' && entries.length < MAX_ENTRIES) entries.push({ key: key.slice(0, 200), target: target.slice(0, 300) });
    }
  }
  return entries.length > 0 ? { file, entries } : undefined;
}
