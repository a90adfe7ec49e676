import type { FormatHandler, ZipFlavourHandler } from '../../engine/format-handler.js';

export const HANDLERS: FormatHandler[] = [];
export const ZIP_FLAVOURS: ZipFlavourHandler[] = [];
