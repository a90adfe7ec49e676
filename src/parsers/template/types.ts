import type { ArtifactBase } from '../../types.js';

/** Where a chat template was found. */
export type TemplateOrigin = 'gguf' | 'tokenizer-config' | 'jinja-file';

/** A Jinja chat template, analysed by parsing it (never rendering it). */
export interface ChatTemplateArtifact extends ArtifactBase {
  format: 'chat-template';
  template: {
    origin: TemplateOrigin;
    /** Named templates (tokenizer_config.json may hold a list of {name, template}). */
    name?: string;
    /** SHA-256 of the template text, for the BOM. */
    sha256: string;
    /** Length of the text in UTF-16 code units (the artifact's `size` is its UTF-8 byte length). */
    length: number;
  };
}

/** Which of the JSON files that can carry chat templates this is. */
export type TemplateConfigKind = 'tokenizer_config.json' | 'processor_config.json' | 'chat_template.json';

/** One `auto_map` entry: a transformers Auto class mapped to custom code (`module.Class`, or `org/repo--module.Class`). */
export interface AutoMapEntry {
  /** The Auto class key (`AutoTokenizer`, `AutoProcessor`…). */
  autoClass: string;
  /** The class reference as written; null for an empty slot (AutoTokenizer takes a [slow, fast] pair). */
  reference: string | null;
  /** The repository the code is fetched from when the reference names another one (`org/repo--module.Class`). */
  repository?: string;
}

/** `tokenizer_config.json` (or a processor's config / legacy `chat_template.json`); its chat templates are children. */
export interface TokenizerConfigArtifact extends ArtifactBase {
  format: 'tokenizer-config';
  tokenizerConfig: {
    tokenizerClass?: string;
    templateCount: number;
    /** Which file this is (its base name). */
    kind: TemplateConfigKind;
    /** Names of the chat templates it holds (`default` for a single unnamed one). */
    templateNames: string[];
    /** Custom code the config points the Auto classes at (loading it needs trust_remote_code). */
    autoMap: AutoMapEntry[];
  };
}
