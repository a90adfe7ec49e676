/**
 * What prototype pollution and inherited-property leaks look like, as assertions.
 *
 * - Pollution: a hostile `__proto__` / `constructor.prototype` key assigned onto a prototype. A
 *   snapshot of every built-in prototype's own properties (keys and values) before and after tells.
 * - A leak: a lookup `table[key]` with a key from the input (`constructor`, `toString`,
 *   `__proto__`) that returns what the object inherits: `Object`, `Object.prototype` or one of its
 *   methods, or text made from one (`function Object() { [native code] }`, `[object Object]`). Or
 *   an object whose prototype was replaced by input (`obj[key] = value` with key `__proto__`).
 */

/** The property every hostile document tries to plant on a prototype. */
export const CANARY = 'mvPolluted';

const PROTOTYPES: ReadonlyArray<[string, object]> = [
  ['Object.prototype', Object.prototype],
  ['Array.prototype', Array.prototype],
  ['Function.prototype', Function.prototype],
  ['String.prototype', String.prototype],
  ['Number.prototype', Number.prototype],
  ['Boolean.prototype', Boolean.prototype],
  ['Map.prototype', Map.prototype],
  ['Set.prototype', Set.prototype],
  ['Promise.prototype', Promise.prototype],
  ['RegExp.prototype', RegExp.prototype],
  ['Error.prototype', Error.prototype],
  ['Uint8Array.prototype', Uint8Array.prototype],
  ['Object.getPrototypeOf(Uint8Array.prototype)', Object.getPrototypeOf(Uint8Array.prototype) as object],
];

export type PrototypeSnapshot = Map<string, Map<PropertyKey, unknown>>;

export function snapshotPrototypes(): PrototypeSnapshot {
  const out: PrototypeSnapshot = new Map();
  for (const [name, proto] of PROTOTYPES) {
    const props = new Map<PropertyKey, unknown>();
    for (const key of Reflect.ownKeys(proto)) {
      const d = Object.getOwnPropertyDescriptor(proto, key)!;
      props.set(key, 'value' in d ? d.value : [d.get, d.set]);
    }
    props.set('[[Prototype]]', Object.getPrototypeOf(proto));
    out.set(name, props);
  }
  return out;
}

/** What changed on the built-in prototypes since `before`: `Object.prototype.mvPolluted added`. */
export function prototypeChanges(before: PrototypeSnapshot): string[] {
  const after = snapshotPrototypes();
  const changes: string[] = [];
  for (const [name, props] of after) {
    const old = before.get(name)!;
    for (const [key, value] of props) {
      if (!old.has(key)) changes.push(`${name}.${String(key)} added`);
      else {
        const was = old.get(key);
        const same = Array.isArray(value) && Array.isArray(was) ? value[0] === was[0] && value[1] === was[1] : value === was;
        if (!same) changes.push(`${name}.${String(key)} changed`);
      }
    }
    for (const key of old.keys()) if (!props.has(key)) changes.push(`${name}.${String(key)} removed`);
  }
  // The canary read from fresh objects: what every later `{}` would see.
  const fresh: Record<string, unknown> = {};
  if (fresh[CANARY] !== undefined) changes.push(`({}).${CANARY} is defined`);
  if ((([] as unknown) as Record<string, unknown>)[CANARY] !== undefined) changes.push(`[].${CANARY} is defined`);
  return changes;
}

/** Values a lookup returns when the key names an inherited member instead of an own entry. */
const INHERITED = new Set<unknown>([Object, Object.prototype, Function.prototype, Array.prototype]);
for (const proto of [Object.prototype, Array.prototype, Function.prototype]) {
  for (const key of Reflect.ownKeys(proto)) {
    const d = Object.getOwnPropertyDescriptor(proto, key)!;
    if ('value' in d && typeof d.value === 'function') INHERITED.add(d.value);
  }
}

/** Text an inherited member turns into when interpolated. */
const INHERITED_TEXT = ['[native code]', '[object Object]', 'function Object(', 'function toString(', 'function hasOwnProperty('];

/** A prototype an object may have: null, or a real class's (its own `constructor` points back at it). */
function honestPrototype(proto: object | null): boolean {
  if (proto === null) return true;
  const ctor = Object.getOwnPropertyDescriptor(proto, 'constructor')?.value as unknown;
  return typeof ctor === 'function' && (ctor as { prototype?: unknown }).prototype === proto;
}

/** Every leak in a value (an artifact tree, findings, a report), each with the path where it sits. */
export function leaksIn(root: unknown, rootName = '$'): string[] {
  const leaks: string[] = [];
  const seen = new Set<object>();
  const stack: Array<[unknown, string]> = [[root, rootName]];
  while (stack.length > 0 && leaks.length < 20) {
    const [value, at] = stack.pop()!;
    if (typeof value === 'string') {
      const hit = INHERITED_TEXT.find((t) => value.includes(t));
      if (hit) leaks.push(`${at}: text ${JSON.stringify(value.slice(0, 120))} shows an inherited member (${hit})`);
      continue;
    }
    if (typeof value === 'function') {
      if (INHERITED.has(value)) leaks.push(`${at}: is the inherited ${value.name || 'function'}`);
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (INHERITED.has(value)) {
      leaks.push(`${at}: is a built-in prototype`);
      continue;
    }
    if (seen.has(value)) continue;
    seen.add(value);
    if (ArrayBuffer.isView(value)) continue;
    const proto = Object.getPrototypeOf(value) as object | null;
    if (!honestPrototype(proto)) leaks.push(`${at}: its prototype was replaced (${JSON.stringify(proto)?.slice(0, 80)})`);
    if (CANARY in value && !Object.hasOwn(value, CANARY)) leaks.push(`${at}: inherits ${CANARY}`);
    if (value instanceof Map) {
      for (const [k, v] of value) {
        stack.push([k, `${at}.keys()`]);
        stack.push([v, `${at}.get(${JSON.stringify(String(k)).slice(0, 40)})`]);
      }
      continue;
    }
    if (value instanceof Set) {
      for (const v of value) stack.push([v, `${at}.values()`]);
      continue;
    }
    for (const key of Reflect.ownKeys(value)) {
      const d = Object.getOwnPropertyDescriptor(value, key)!;
      if (!('value' in d)) continue; // getters are code, not data read from input
      stack.push([d.value, `${at}[${JSON.stringify(String(key))}]`]);
    }
  }
  return leaks;
}
