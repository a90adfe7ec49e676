import type { FormatHandler, ZipFlavourHandler } from '../../engine/format-handler.js';
import { sniffBom } from './names.js';
import { parseBom } from './parse.js';

/**
 * CycloneDX and SPDX documents: by a name the specs recommend (`*.cdx.json`, `*.spdx.json`), or by
 * a JSON head that declares one at its top level (`bom.json`, `sbom.json`, any `.json`). The
 * engine offers this family each JSON file before the generic model-config reading.
 */
export const HANDLERS: FormatHandler[] = [
  {
    format: 'ai-bom',
    stage: 'named',
    sniff: ({ name, head }) => sniffBom(name, head),
    analyse: (reader, context) => parseBom(reader, context),
  },
];
export const ZIP_FLAVOURS: ZipFlavourHandler[] = [];
