import type { FormatHandler, ZipFlavourHandler } from '../../engine/format-handler.js';
import { analyseGguf } from './analyse.js';

/** "GGUF" at byte 0, whatever the file is called: llama.cpp checks nothing else before parsing. */
const gguf: FormatHandler = {
  format: 'gguf',
  stage: 'magic',
  sniff: ({ head }) => head.length >= 4 && head[0] === 0x47 && head[1] === 0x47 && head[2] === 0x55 && head[3] === 0x46,
  analyse: (reader, context) => analyseGguf(reader, context),
};

/** This family's entries into the engine (see src/engine/handlers.ts for the order). */
export const HANDLERS: FormatHandler[] = [gguf];
export const ZIP_FLAVOURS: ZipFlavourHandler[] = [];
