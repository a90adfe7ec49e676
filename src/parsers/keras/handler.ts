import type { FormatHandler, ZipFlavourHandler } from '../../engine/format-handler.js';
import { HDF5_HANDLER } from './hdf5.js';
import { KERAS_ZIP_FLAVOUR } from './keras-zip.js';

/** This family's entries into the engine (see src/engine/handlers.ts for the order). */
export const HANDLERS: FormatHandler[] = [HDF5_HANDLER];
export const ZIP_FLAVOURS: ZipFlavourHandler[] = [KERAS_ZIP_FLAVOUR];
