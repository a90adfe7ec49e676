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
    length: number;
  };
}

/** `tokenizer_config.json`; its chat templates are children. */
export interface TokenizerConfigArtifact extends ArtifactBase {
  format: 'tokenizer-config';
  tokenizerConfig: { tokenizerClass?: string; templateCount: number };
}
