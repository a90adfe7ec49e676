import type { FormatHandler, ZipFlavourHandler } from '../../engine/format-handler.js';

/** CycloneDX and SPDX documents, recognised by content. */
export const HANDLERS: FormatHandler[] = [];
export const ZIP_FLAVOURS: ZipFlavourHandler[] = [];
