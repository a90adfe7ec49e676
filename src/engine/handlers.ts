import type { FormatHandler, ZipFlavourHandler } from './format-handler.js';
import * as archive from '../parsers/archive/handler.js';
import * as gguf from '../parsers/gguf/handler.js';
import * as keras from '../parsers/keras/handler.js';
import * as onnx from '../parsers/onnx/handler.js';
import * as safetensors from '../parsers/safetensors/handler.js';
import * as tensorflow from '../parsers/tensorflow/handler.js';
import * as template from '../parsers/template/handler.js';

/**
 * Format families beyond the pickle/torch/zip core. Each lists its handlers in
 * `src/parsers/<family>/handler.ts`; the order here is the detection order within a stage.
 */
const FAMILIES = [safetensors, gguf, keras, archive, template, onnx, tensorflow];

export const FORMAT_HANDLERS: readonly FormatHandler[] = FAMILIES.flatMap((f) => f.HANDLERS);

/** Zip archives of a known layout, offered each non-torch zip before the generic reading. */
export const ZIP_FLAVOURS: readonly ZipFlavourHandler[] = FAMILIES.flatMap((f) => f.ZIP_FLAVOURS);
