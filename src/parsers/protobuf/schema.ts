import protobuf from 'protobufjs';

/**
 * Builds protobufjs types from `.proto` text kept in a TypeScript module (so it ships in `dist/`
 * with the code). Field names keep the `.proto` spelling (`op_type`, not `opType`).
 */
export function protoTypes<const N extends readonly string[]>(source: string, names: N): { [K in N[number]]: protobuf.Type } {
  const root = protobuf.parse(source, { keepCase: true }).root;
  root.resolveAll();
  const out = Object.create(null) as { [K in N[number]]: protobuf.Type };
  for (const name of names) (out as Record<string, protobuf.Type>)[name] = root.lookupType(name);
  return out;
}
