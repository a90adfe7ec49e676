import type { Artifact } from '../../types.js';
import type { ChatTemplateArtifact } from '../../parsers/template/types.js';
import type { BomChatTemplate } from '../types.js';
import { byKeys } from './values.js';

const DEFAULT = 'default';

const baseName = (path: string): string => path.slice(path.lastIndexOf('/') + 1);

/**
 * Where transformers (≥ 4.43) reads template files: `chat_template.jinja` is the default template,
 * `additional_chat_templates/<name>.jinja` the named ones. Other `.jinja` files are not chat templates.
 */
function jinjaFileName(path: string): string | undefined {
  const name = baseName(path);
  if (name === 'chat_template.jinja') return DEFAULT;
  const parent = path.slice(0, -name.length - 1);
  if (baseName(parent) === 'additional_chat_templates' && name.endsWith('.jinja') && name.length > '.jinja'.length) return name.slice(0, -'.jinja'.length);
  return undefined;
}

const isTemplate = (a: Artifact): a is ChatTemplateArtifact => a.format === 'chat-template';

/**
 * Every chat template the model ships, with the SHA-256 of its text: those in tokenizer/processor
 * configs and GGUF headers (the parsers' child artifacts) and the template files.
 */
export function chatTemplates(files: ReadonlyArray<{ path: string; artifact: Artifact }>): BomChatTemplate[] {
  const out: BomChatTemplate[] = [];
  for (const { path, artifact } of files) {
    if (isTemplate(artifact) && artifact.template.origin === 'jinja-file') {
      const name = jinjaFileName(path);
      if (name !== undefined) out.push({ name, file: path, sha256: artifact.template.sha256 });
      continue;
    }
    if (artifact.format !== 'tokenizer-config' && artifact.format !== 'gguf') continue;
    for (const child of artifact.children) {
      if (isTemplate(child)) out.push({ name: child.template.name ?? DEFAULT, file: path, sha256: child.template.sha256 });
    }
  }
  return out.sort(byKeys((t) => t.file, (t) => t.name, (t) => t.sha256));
}
