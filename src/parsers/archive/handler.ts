import type { FormatHandler, ZipFlavourHandler } from '../../engine/format-handler.js';
import { sevenZipHandler } from './sevenzip.js';
import { tarHandler } from './tar-handler.js';

/** This family's entries into the engine (see src/engine/handlers.ts for the order). */
export const HANDLERS: FormatHandler[] = [tarHandler, sevenZipHandler];
export const ZIP_FLAVOURS: ZipFlavourHandler[] = [];
