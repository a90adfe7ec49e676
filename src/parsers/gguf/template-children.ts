import type { Artifact } from '../../types.js';
import { chatTemplateArtifact } from '../template/analyse.js';
import { GGUF_MALFORMED } from './codes.js';
import { isTemplateKey, type GgufKv } from './header.js';
import { printable } from './printable.js';
import type { AnomalySink } from './sink.js';

/**
 * Every chat template the header holds becomes a child artifact at `<gguf>!<key>`, analysed by the
 * template family. A key that appears twice keeps both values (readers disagree on which wins),
 * the later one at `<gguf>!<key>#<index>`.
 */
export function templateChildren(kvs: readonly GgufKv[], path: string, sink: AnomalySink): Artifact[] {
  const children: Artifact[] = [];
  const seen = new Set<string>();
  kvs.forEach((kv, index) => {
    if (!isTemplateKey(kv.key) || typeof kv.value !== 'string') return;
    // The key is the member name; a named template's suffix comes from the file, so it is shown escaped.
    const member = printable(seen.has(kv.key) ? `${kv.key}#${index}` : kv.key, 200);
    seen.add(kv.key);
    const name = kv.key === 'tokenizer.chat_template' ? undefined : kv.key.slice('tokenizer.chat_template.'.length);
    try {
      children.push(chatTemplateArtifact(kv.value, `${path}!${member}`, 'gguf', name));
    } catch (err) {
      sink.add(GGUF_MALFORMED.readError, `the chat template ${member} could not be analysed (${(err as Error).message})`, kv.offset, { key: kv.key });
    }
  });
  return children;
}
