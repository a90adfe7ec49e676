import { createHash } from 'node:crypto';
import type { AnalyseContext, FormatHandler, ZipFlavourHandler } from '../../engine/format-handler.js';
import type { ByteReader } from '../../types.js';
import { sha256Of } from '../../sources/hash.js';
import { anomaly } from '../anomaly.js';
import { chatTemplateArtifact } from './analyse.js';
import { TEMPLATE_CODES } from './codes.js';
import { analyseTemplateConfig, TEMPLATE_CONFIG_FILES } from './config.js';
import { DEFAULT_TEMPLATE_LIMITS } from './limits.js';
import { decodeUtf8 } from './text.js';
import type { ChatTemplateArtifact, TemplateConfigKind } from './types.js';

const isConfigName = (name: string): name is TemplateConfigKind => (TEMPLATE_CONFIG_FILES as readonly string[]).includes(name);

/**
 * tokenizer_config.json, processor_config.json and the legacy chat_template.json: transformers
 * finds them by name, so modelvet does too, and confirms the content opens a JSON object.
 */
const templateConfig: FormatHandler = {
  format: 'tokenizer-config',
  stage: 'named',
  // By name alone: Python's json accepts any amount of leading whitespace, and content that is not
  // JSON is reported by the analysis (transformers refuses it), never left unrecognised.
  sniff: ({ name }) => isConfigName(name),
  analyse: (reader, context) => analyseTemplateConfig(reader, context, context.name as TemplateConfigKind),
};

/** A `.jinja` file is read whole; past this many bytes it is not read at all. */
const jinjaReadCap = (context: AnalyseContext): number => Math.min(context.options.maxJsonBytes, DEFAULT_TEMPLATE_LIMITS.maxTemplateChars * 4);

async function analyseJinjaFile(reader: ByteReader, context: AnalyseContext): Promise<ChatTemplateArtifact> {
  const unread = (code: string, message: string, detail: Record<string, unknown>, sha256: string): ChatTemplateArtifact => ({
    path: context.path,
    format: 'chat-template',
    size: reader.size,
    anomalies: [anomaly(code, message, undefined, detail)],
    children: [],
    template: { origin: 'jinja-file', sha256, length: 0 },
  });
  const cap = jinjaReadCap(context);
  if (reader.size > cap) {
    // Hashed in chunks (memory stays flat) so the BOM still names the file it could not check.
    return unread(TEMPLATE_CODES.resourceLimit, `the chat template file is ${reader.size} bytes, over the ${cap}-byte limit, so it was not checked`, { size: reader.size, limit: cap, what: 'size' }, await sha256Of(reader));
  }
  const bytes = await reader.read(0, reader.size);
  const text = decodeUtf8(bytes);
  if (text === null) {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    return unread(TEMPLATE_CODES.notText, 'the chat template file is not valid UTF-8; transformers refuses it, so nothing in it was checked', { problem: 'utf-8' }, sha256);
  }
  return { ...chatTemplateArtifact(text, context.path, 'jinja-file'), size: reader.size };
}

/** `chat_template.jinja` and `additional_chat_templates/*.jinja` (transformers ≥ 4.43), by name: NUL is valid UTF-8 and Jinja renders past it. */
const jinjaFile: FormatHandler = {
  format: 'chat-template',
  stage: 'named',
  sniff: ({ name }) => name.endsWith('.jinja'),
  analyse: analyseJinjaFile,
};

/** This family's entries into the engine (see src/engine/handlers.ts for the order). */
export const HANDLERS: FormatHandler[] = [templateConfig, jinjaFile];
export const ZIP_FLAVOURS: ZipFlavourHandler[] = [];
