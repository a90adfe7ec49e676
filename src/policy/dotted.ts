/**
 * Dotted-name analysis. Since protocol 4, `find_class` walks a dotted name attribute by
 * attribute, so `GLOBAL pathlib os.system` reaches `os.system` through pathlib's own `import os`
 * and `GLOBAL builtins print.__class__.__base__.__subclasses__` reaches every class in the
 * process (public-bypasses.md A16). A policy that looks only at `module` is bypassed.
 */

/** `__x__`. Cython/numpy helpers such as `__pyx_unpickle_Foo` or `__randomstate_ctor` are not dunders. */
export function isDunder(component: string): boolean {
  return component.length > 4 && component.startsWith('__') && component.endsWith('__');
}

/**
 * Leading module components that are legitimately dunder-named: the Python 2 spellings of
 * builtins (normalised later), `__main__` (classes of the saving script: unknown, not denied),
 * `__torch__` (TorchScript's class namespace) and `__future__` (inert feature flags).
 */
const DUNDER_ROOT_MODULES = new Set(['__builtin__', '__builtins__', '__main__', '__torch__', '__future__']);

/**
 * The first dunder component that makes a global an introspection chain, or undefined.
 * Any dunder attribute in `name` counts; in `module`, any dunder past the first component is an
 * attribute path through a module (`numpy.__builtins__`, public-bypasses.md A18).
 */
export function findIntrospection(module: string, name: string): string | undefined {
  const mod = module.split('.');
  for (let i = 0; i < mod.length; i++) {
    const c = mod[i]!;
    if (isDunder(c) && (i > 0 || !DUNDER_ROOT_MODULES.has(c))) return c;
  }
  return name.split('.').find(isDunder);
}

/**
 * Where the paths a dotted name may really denote begin, as indexes into `parts` (module
 * components then name components): the full `module.name` (0), then every suffix of `name`
 * with at least two components. A suffix starting at an attribute is what that attribute is
 * when the attribute is itself a re-exported module (`pathlib.os` is `os`). One-component
 * suffixes are left out: they only yield a module object, not a callable, and matching them
 * would turn every class named `trace` or `profile` into a critical finding.
 */
export function candidateStarts(module: string, name: string): { parts: string[]; starts: number[] } {
  const mod = module.split('.');
  const nm = name.split('.');
  const starts = [0];
  for (let i = 0; i + 1 < nm.length; i++) starts.push(mod.length + i);
  return { parts: [...mod, ...nm], starts };
}

/** Empty components (`os.`, `..system`) never import; such globals are never allowed. */
export function isWellFormed(module: string, name: string): boolean {
  return [...module.split('.'), ...name.split('.')].every((c) => c.length > 0);
}
