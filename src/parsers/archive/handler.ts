import type { FormatHandler, ZipFlavourHandler } from '../../engine/format-handler.js';

/** This family's entries into the engine (see src/engine/handlers.ts for the order). */
export const HANDLERS: FormatHandler[] = [];
export const ZIP_FLAVOURS: ZipFlavourHandler[] = [];
