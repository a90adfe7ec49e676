import type { FormatHandler, ZipFlavourHandler } from '../../engine/format-handler.js';
import { LOCKFILE_NAME } from '../../integrity/lockfile.js';
import { parseModelvetLock } from './parse.js';

/** Found by its fixed name; whatever the bytes are, the lockfile reading judges them (a bad one is a finding). */
export const HANDLERS: FormatHandler[] = [
  {
    format: 'modelvet-lock',
    stage: 'named',
    sniff: ({ name }) => name === LOCKFILE_NAME,
    analyse: (reader, context) => parseModelvetLock(reader, context),
  },
];
export const ZIP_FLAVOURS: ZipFlavourHandler[] = [];
