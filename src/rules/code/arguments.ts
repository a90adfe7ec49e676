import type { CodeCall, CodeValue } from '../../parsers/code/types.js';

/** An argument as static reading sees it: written, not written, or possibly hidden in `**kwargs` / `*args`. */
export type Argument = { state: 'given'; value: CodeValue } | { state: 'absent' } | { state: 'hidden' };

/**
 * The argument a Python function binds to `name`: the keyword, or the positional argument at
 * `position` when the parameter can be passed positionally. `None` is the default for every
 * parameter modelvet reads, so a literal None counts as absent.
 */
export function argument(call: CodeCall, name: string, position?: number): Argument {
  const value = call.kwargs.get(name) ?? (position !== undefined ? call.args[position] : undefined);
  if (value !== undefined) return value.kind === 'none' ? { state: 'absent' } : { state: 'given', value };
  const maybeSplat = call.hasUnknownKwargs || (position !== undefined && call.hasStarArgs && call.args.length <= position);
  return maybeSplat ? { state: 'hidden' } : { state: 'absent' };
}

/** Python's truth value of a value known statically; undefined when it is not known. */
export function truthy(value: CodeValue): boolean | undefined {
  switch (value.kind) {
    case 'bool':
      return value.value;
    case 'none':
      return false;
    case 'number':
      return value.value !== 0;
    case 'string':
      return value.value !== '';
    case 'path':
      return true;
    case 'unknown':
      return undefined;
  }
}

/** The value as a person wrote it, for messages and evidence. */
export function shown(value: CodeValue): string {
  switch (value.kind) {
    case 'bool':
      return value.value ? 'True' : 'False';
    case 'none':
      return 'None';
    case 'number':
      return String(value.value);
    case 'string':
      return JSON.stringify(value.value);
    case 'path':
    case 'unknown':
      return value.text;
  }
}

/** Python source (a script or a notebook): the only languages with these loaders. */
export const PYTHON_FORMATS = ['python-source', 'notebook'] as const;
