import data from './data/deserializers.json' with { type: 'json' };

export type DeserializerKind = 'pickle' | 'container' | 'marshal';

const table = new Map<string, DeserializerKind>(
  data.deserializers.map((d) => [`${d.module}\u0000${d.name}`, d.kind as DeserializerKind]),
);

/** The deserializer a global names, if it is one (data/deserializers.json, with sources). */
export function deserializerKind(module: string, name: string): DeserializerKind | undefined {
  return table.get(`${module}\u0000${name}`);
}
