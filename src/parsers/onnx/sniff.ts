/** ModelProto fields and their wire types (onnx.proto), for recognising an unnamed ONNX file by its first bytes. */
const MODEL_FIELDS: ReadonlyMap<number, number> = new Map([
  [1, 0], // ir_version
  [2, 2], // producer_name
  [3, 2], // producer_version
  [4, 2], // domain
  [5, 0], // model_version
  [6, 2], // doc_string
  [7, 2], // graph
  [8, 2], // opset_import
  [14, 2], // metadata_props
  [20, 2], // training_info
  [25, 2], // functions
]);

/** The newest IR version known (onnx 1.23: 13) plus headroom; version 0 is not a model. */
const MAX_IR_VERSION = 20;
const SHORT_TEXT = 256;

function varint(b: Uint8Array, at: number): [number, number] | undefined {
  let value = 0;
  let scale = 1;
  for (let i = at; i < Math.min(b.length, at + 10); i++) {
    value += (b[i] & 0x7f) * scale;
    scale *= 128;
    if ((b[i] & 0x80) === 0) return [value, i + 1];
  }
  return undefined;
}

const isShortText = (b: Uint8Array): boolean => b.length <= SHORT_TEXT && b.every((c) => c >= 0x20 && c !== 0x7f);

/**
 * Whether the first bytes read as an ONNX ModelProto: `ir_version` first (every exporter writes
 * it first), then only ModelProto fields with their wire types, short printable names, up to the
 * graph or an opset import. A SavedModel (`08 01 12 <large message>`) fails on its second field.
 */
export function looksLikeOnnx(head: Uint8Array): boolean {
  if (head.length < 8 || head[0] !== 0x08) return false;
  const ir = varint(head, 1);
  if (!ir || ir[0] < 1 || ir[0] > MAX_IR_VERSION) return false;
  let at = ir[1];
  while (at < head.length) {
    const tag = varint(head, at);
    if (!tag) return false;
    const field = Math.floor(tag[0] / 8);
    const wireType = tag[0] % 8;
    if (MODEL_FIELDS.get(field) !== wireType) return false;
    if (field === 7 || field === 8) return true;
    at = tag[1];
    if (wireType === 0) {
      const v = varint(head, at);
      if (!v) return false;
      at = v[1];
      continue;
    }
    const len = varint(head, at);
    if (!len) return false;
    const value = head.subarray(len[1], len[1] + len[0]);
    if ((field === 2 || field === 3 || field === 4) && !isShortText(value)) return false;
    at = len[1] + len[0];
  }
  return false;
}
