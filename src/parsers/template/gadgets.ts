/**
 * Curated names for the chat-template analysis, with where each comes from.
 *
 * Sources:
 * - Jinja2 `sandbox.py` (3.1.6): `is_safe_attribute` refuses every name starting with `_`;
 *   `is_internal_attribute` refuses `mro` on types, `gi_*`/`cr_*`/`ag_*` frames and codes, and
 *   anything on code, traceback and frame objects; `UNSAFE_*` sets list the Python 2 names.
 *   https://github.com/pallets/jinja/blob/main/src/jinja2/sandbox.py
 * - Jinja2 `defaults.py` DEFAULT_NAMESPACE: the globals every environment has (range, dict,
 *   lipsum, cycler, joiner, namespace). Flask adds config, request, session, g, url_for and
 *   get_flashed_messages; `self` is the template reference in every template.
 * - transformers `utils/chat_template_utils.py` `_compile_jinja_template`: adds raise_exception
 *   and strftime_now, and renders with the special tokens (bos_token, eos_token, …) of the
 *   same tokenizer config.
 * - Public SSTI chains (PayloadsAllTheThings "Server Side Template Injection / Jinja2",
 *   CVE-2024-34359 "Llama Drama" advisory GHSA-56xg-wfcc-g829) use exactly these names and roots.
 */

/**
 * Attribute names that reach interpreter internals without a leading underscore. Every name
 * starting with `_` (dunders such as `__class__`, `__globals__`, `__subclasses__`, `__import__`,
 * `__builtins__`, `__loader__`, `__spec__`, and name-mangled ones such as
 * `_TemplateReference__context`) is a gadget too; see `isGadgetName`.
 */
export const NAMED_GADGETS: ReadonlyMap<string, string> = new Map([
  ['mro', 'lists every base class of a type (Jinja2 sandbox: is_internal_attribute)'],
  ['func_globals', "a function's module globals (Python 2 name; sandbox UNSAFE_FUNCTION_ATTRIBUTES)"],
  ['func_code', "a function's code object (Python 2 name)"],
  ['func_closure', "a function's closure cells (Python 2 name)"],
  ['im_func', 'the function under a bound method (Python 2 name; sandbox UNSAFE_METHOD_ATTRIBUTES)'],
  ['im_self', 'the object under a bound method (Python 2 name)'],
  ['im_class', 'the class under a bound method (Python 2 name)'],
  ['gi_frame', "a generator's frame (sandbox UNSAFE_GENERATOR_ATTRIBUTES)"],
  ['gi_code', "a generator's code object (sandbox UNSAFE_GENERATOR_ATTRIBUTES)"],
  ['cr_frame', "a coroutine's frame (sandbox UNSAFE_COROUTINE_ATTRIBUTES)"],
  ['cr_code', "a coroutine's code object (sandbox UNSAFE_COROUTINE_ATTRIBUTES)"],
  ['ag_frame', "an async generator's frame (sandbox UNSAFE_ASYNC_GENERATOR_ATTRIBUTES)"],
  ['ag_code', "an async generator's code object (sandbox UNSAFE_ASYNC_GENERATOR_ATTRIBUTES)"],
  ['f_globals', "a frame's module globals"],
  ['f_locals', "a frame's local variables"],
  ['f_builtins', "a frame's builtins"],
  ['f_back', 'the calling frame'],
  ['f_code', "a frame's code object"],
  ['tb_frame', "a traceback's frame"],
  ['tb_next', 'the next traceback entry'],
  ['co_code', "a code object's bytecode"],
  ['co_consts', "a code object's constants"],
  ['co_names', "a code object's names"],
  ['importlib', 'the import machinery'],
  ['import_module', 'importlib.import_module'],
  ['load_module', 'a loader importing a module'],
  ['exec_module', 'a loader executing a module'],
]);

/** Whether looking up this attribute name reaches interpreter internals (a sandbox escape gadget). */
export function isGadgetName(name: string): boolean {
  return name.startsWith('_') || NAMED_GADGETS.has(name);
}

/** `sys.modules` is the import machinery's table; `modules` alone is an ordinary word. */
export const SYS_MODULES = { object: 'sys', attribute: 'modules' } as const;

/** Jinja2's default globals: normal when called (`namespace(...)`, `range(3)`), escape roots when used as objects. */
export const JINJA_GLOBALS: ReadonlySet<string> = new Set(['range', 'dict', 'lipsum', 'cycler', 'joiner', 'namespace']);

/** Globals transformers adds for chat templates: normal when called or tested (`strftime_now is defined`). */
export const TRANSFORMERS_GLOBALS: ReadonlySet<string> = new Set(['raise_exception', 'strftime_now']);

/** Names that exist only in web-framework or template-inheritance contexts: a chat template has no use for them at all. */
export const FOREIGN_GLOBALS: ReadonlySet<string> = new Set(['self', 'config', 'request', 'session', 'url_for', 'get_flashed_messages']);

/**
 * Render-time variables transformers fills from the tokenizer's own configuration (the same
 * files that carry the template), so whoever wrote the template also chose their values.
 */
export const SPECIAL_TOKEN_VARIABLES: ReadonlySet<string> = new Set([
  'bos_token',
  'eos_token',
  'unk_token',
  'sep_token',
  'pad_token',
  'cls_token',
  'mask_token',
  'additional_special_tokens',
]);

/** Python's `str.format`/`format_map`: Jinja2 sandboxes the direct call, not the method taken as a value. */
export const FORMAT_METHODS: ReadonlySet<string> = new Set(['format', 'format_map']);

/**
 * Jinja2 filters that look up attributes by a name given as an argument (through
 * `make_attrgetter`, which also follows dotted paths): positional index of the name, and
 * whether it may be given as `attribute=`.
 */
export const ATTRIBUTE_NAME_FILTERS: ReadonlyMap<string, { position: number | null; keyword: boolean }> = new Map([
  ['attr', { position: 0, keyword: false }],
  ['selectattr', { position: 0, keyword: false }],
  ['rejectattr', { position: 0, keyword: false }],
  ['groupby', { position: 0, keyword: true }],
  ['map', { position: null, keyword: true }],
  ['sort', { position: null, keyword: true }],
  ['sum', { position: null, keyword: true }],
  ['unique', { position: null, keyword: true }],
  ['min', { position: null, keyword: true }],
  ['max', { position: null, keyword: true }],
]);

/**
 * Jinja2's sandbox caps `range()` at MAX_RANGE (100 000); an unsandboxed renderer does not.
 * Bounds past which rendering a chat template is a denial of service.
 */
export const DOS_BOUNDS = {
  maxRange: 100_000,
  maxRepeatLength: 10_000_000,
  maxPowerBits: 1_000_000,
  maxLoopIterations: 10_000_000,
  maxPadWidth: 10_000_000,
} as const;
