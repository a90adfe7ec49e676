import compat from './data/compat-pickle.json' with { type: 'json' };

/**
 * Python 2 → 3 name mapping, as `Unpickler.find_class` applies it when the protocol in force is
 * below 3 (fix_imports defaults to true, and torch.load does not turn it off). A scanner that
 * skips it sees `__builtin__.eval` where the loader imports `builtins.eval`.
 */
const importMapping = new Map<string, string>(Object.entries(compat.importMapping));
const nameMapping = new Map<string, { module: string; name: string }>(
  compat.nameMapping.map(([[m, n], [m2, n2]]) => [`${m}\u0000${n}`, { module: m2!, name: n2! }]),
);

/** The names `find_class` really looks up; `null` when nothing changes. */
export function mapPython2Name(module: string, name: string, protocol: number): { module: string; name: string } | null {
  if (protocol >= 3) return null;
  // NAME_MAPPING wins over IMPORT_MAPPING, exactly as in find_class.
  const byName = nameMapping.get(`${module}\u0000${name}`);
  if (byName) return byName;
  const byModule = importMapping.get(module);
  return byModule !== undefined ? { module: byModule, name } : null;
}
