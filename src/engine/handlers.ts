import type { FormatHandler, ZipFlavourHandler } from './format-handler.js';
import * as archive from '../parsers/archive/handler.js';
import * as bom from '../parsers/bom/handler.js';
import * as code from '../parsers/code/handler.js';
import * as deps from '../parsers/deps/handler.js';
import * as modelConfig from '../parsers/model-config/handler.js';
import * as modelvetLock from '../parsers/modelvet-lock/handler.js';
import * as modelSignature from '../parsers/model-signature/handler.js';
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
// Text families come last: their names (`*.json`, `*.yaml`) are the loosest, so a file another
// family claims by name (tokenizer_config.json, model.safetensors.index.json) is never taken from it.
const FAMILIES = [safetensors, gguf, keras, archive, template, onnx, tensorflow, code, deps, modelvetLock, modelSignature, bom, modelConfig];

export const FORMAT_HANDLERS: readonly FormatHandler[] = FAMILIES.flatMap((f) => f.HANDLERS);

/** Zip archives of a known layout, offered each non-torch zip before the generic reading. */
export const ZIP_FLAVOURS: readonly ZipFlavourHandler[] = FAMILIES.flatMap((f) => f.ZIP_FLAVOURS);
