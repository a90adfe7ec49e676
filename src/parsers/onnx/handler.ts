import type { AnalyseContext, FormatHandler, SniffInput, ZipFlavourHandler } from '../../engine/format-handler.js';
import type { ByteReader } from '../../types.js';
import { checkExternalData } from './external-data.js';
import { scanOnnxModel } from './model.js';
import { looksLikeOnnx } from './sniff.js';
import type { OnnxArtifact } from './types.js';

/** Read as onnx.load reads it: the protobuf decoded (weights skipped), external data resolved against the model's folder. */
export async function analyseOnnx(reader: ByteReader, context: AnalyseContext): Promise<OnnxArtifact> {
  const scan = await scanOnnxModel(reader, context.options);
  const { externalData, anomalies } = await checkExternalData(scan.external, context.file, context.siblings);
  return {
    path: context.path,
    format: 'onnx',
    size: reader.size,
    anomalies: [...scan.anomalies, ...anomalies],
    children: [],
    onnx: { ...scan.info, externalData },
  };
}

const onnxHandler: FormatHandler = {
  format: 'onnx',
  stage: 'named',
  // A `.onnx` file is what onnx.load will be pointed at, so it is read as one even when it fails to decode (fail closed).
  sniff: ({ name, head }: SniffInput) => /\.onnx$/i.test(name) || looksLikeOnnx(head),
  analyse: analyseOnnx,
};

/** This family's entries into the engine (see src/engine/handlers.ts for the order). */
export const HANDLERS: FormatHandler[] = [onnxHandler];
export const ZIP_FLAVOURS: ZipFlavourHandler[] = [];
