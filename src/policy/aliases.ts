/**
 * Module-name aliases, so that one object reached under two spellings gets one verdict.
 *
 * Two sources of aliasing exist:
 *  1. CPython's own Python 2 → 3 mapping (Lib/_compat_pickle.py), which the unpickler applies
 *     to protocol 0–2 streams (fix_imports=True, the default). We apply it to every protocol:
 *     a protocol-3+ stream naming `__builtin__` fails to import, so treating it as `builtins`
 *     can only over-report, never hide something.
 *  2. Private/accelerator modules that re-export the public module's objects (`posix` is what
 *     `os` is built from, `_operator` is where `operator.attrgetter` lives, numpy 2 renamed
 *     `numpy.core` to `numpy._core`, …). A scanner that only knows one spelling is bypassed by
 *     the other (public-bypasses.md B27, B28, B32, B41).
 */

export interface ModuleAlias {
  from: string;
  to: string;
  /** Also rewrite `from.x.y` to `to.x.y` (a renamed package, not a single module). */
  prefix: boolean;
  source: string;
}

const COMPAT = 'cpython Lib/_compat_pickle.py IMPORT_MAPPING';
const COMPAT_REV = 'cpython Lib/_compat_pickle.py REVERSE_IMPORT_MAPPING (C accelerator of the public module)';

/** Exact module renames (Python 2 names), verbatim from _compat_pickle.IMPORT_MAPPING. */
const COMPAT_IMPORT_MAPPING: Record<string, string> = {
  __builtin__: 'builtins',
  copy_reg: 'copyreg',
  Queue: 'queue',
  SocketServer: 'socketserver',
  ConfigParser: 'configparser',
  repr: 'reprlib',
  tkFileDialog: 'tkinter.filedialog',
  tkSimpleDialog: 'tkinter.simpledialog',
  tkColorChooser: 'tkinter.colorchooser',
  tkCommonDialog: 'tkinter.commondialog',
  Dialog: 'tkinter.dialog',
  Tkdnd: 'tkinter.dnd',
  tkFont: 'tkinter.font',
  tkMessageBox: 'tkinter.messagebox',
  ScrolledText: 'tkinter.scrolledtext',
  Tkconstants: 'tkinter.constants',
  Tix: 'tkinter.tix',
  ttk: 'tkinter.ttk',
  Tkinter: 'tkinter',
  markupbase: '_markupbase',
  _winreg: 'winreg',
  thread: '_thread',
  dummy_thread: '_dummy_thread',
  dbhash: 'dbm.bsd',
  dumbdbm: 'dbm.dumb',
  dbm: 'dbm.ndbm',
  gdbm: 'dbm.gnu',
  xmlrpclib: 'xmlrpc.client',
  SimpleXMLRPCServer: 'xmlrpc.server',
  httplib: 'http.client',
  htmlentitydefs: 'html.entities',
  HTMLParser: 'html.parser',
  Cookie: 'http.cookies',
  cookielib: 'http.cookiejar',
  BaseHTTPServer: 'http.server',
  'test.test_support': 'test.support',
  commands: 'subprocess',
  urlparse: 'urllib.parse',
  robotparser: 'urllib.robotparser',
  urllib2: 'urllib.request',
  anydbm: 'dbm',
  _abcoll: 'collections.abc',
  // The "non-mutual" additions in the same file.
  cPickle: 'pickle',
  _elementtree: 'xml.etree.ElementTree',
  FileDialog: 'tkinter.filedialog',
  SimpleDialog: 'tkinter.simpledialog',
  DocXMLRPCServer: 'xmlrpc.server',
  SimpleHTTPServer: 'http.server',
  CGIHTTPServer: 'http.server',
  UserDict: 'collections',
  UserList: 'collections',
  UserString: 'collections',
  whichdb: 'dbm',
  StringIO: 'io',
  cStringIO: 'io',
};

/** (module, name) renames from _compat_pickle.NAME_MAPPING; they win over module renames. */
const COMPAT_NAME_MAPPING: Record<string, [string, string]> = {
  '__builtin__ xrange': ['builtins', 'range'],
  '__builtin__ reduce': ['functools', 'reduce'],
  '__builtin__ intern': ['sys', 'intern'],
  '__builtin__ unichr': ['builtins', 'chr'],
  '__builtin__ unicode': ['builtins', 'str'],
  '__builtin__ long': ['builtins', 'int'],
  '__builtin__ basestring': ['builtins', 'str'],
  'itertools izip': ['builtins', 'zip'],
  'itertools imap': ['builtins', 'map'],
  'itertools ifilter': ['builtins', 'filter'],
  'itertools ifilterfalse': ['itertools', 'filterfalse'],
  'itertools izip_longest': ['itertools', 'zip_longest'],
  'UserDict IterableUserDict': ['collections', 'UserDict'],
  'UserDict UserDict': ['collections', 'UserDict'],
  'UserList UserList': ['collections', 'UserList'],
  'UserString UserString': ['collections', 'UserString'],
  'whichdb whichdb': ['dbm', 'whichdb'],
  '_socket fromfd': ['socket', 'fromfd'],
  '_multiprocessing Connection': ['multiprocessing.connection', 'Connection'],
  'multiprocessing.process Process': ['multiprocessing.context', 'Process'],
  'multiprocessing.forking Popen': ['multiprocessing.popen_fork', 'Popen'],
  'urllib ContentTooShortError': ['urllib.error', 'ContentTooShortError'],
  'urllib getproxies': ['urllib.request', 'getproxies'],
  'urllib pathname2url': ['urllib.request', 'pathname2url'],
  'urllib quote_plus': ['urllib.parse', 'quote_plus'],
  'urllib quote': ['urllib.parse', 'quote'],
  'urllib unquote_plus': ['urllib.parse', 'unquote_plus'],
  'urllib unquote': ['urllib.parse', 'unquote'],
  'urllib url2pathname': ['urllib.request', 'url2pathname'],
  'urllib urlcleanup': ['urllib.request', 'urlcleanup'],
  'urllib urlencode': ['urllib.parse', 'urlencode'],
  'urllib urlopen': ['urllib.request', 'urlopen'],
  'urllib urlretrieve': ['urllib.request', 'urlretrieve'],
  'urllib2 HTTPError': ['urllib.error', 'HTTPError'],
  'urllib2 URLError': ['urllib.error', 'URLError'],
  'exceptions StandardError': ['builtins', 'Exception'],
  'socket _socketobject': ['socket', 'SocketType'],
};

/** Modules that are the same objects as a public module under another name. */
const SAME_OBJECT_ALIASES: ModuleAlias[] = [
  { from: '__builtins__', to: 'builtins', prefix: false, source: 'fickling fickle.py BUILTIN_MODULE_NAMES; public-bypasses A17' },
  { from: '_operator', to: 'operator', prefix: false, source: 'cpython Lib/operator.py `from _operator import *`; public-bypasses B27 (picklescan GHSA-955r-x9j8-7rhh)' },
  { from: 'posix', to: 'os', prefix: false, source: "picklescan/modelscan unsafe_globals: \"Alias for 'os' on Linux\"; cpython Lib/os.py `from posix import *`" },
  { from: 'nt', to: 'os', prefix: false, source: "picklescan/modelscan unsafe_globals: \"Alias for 'os' on Windows\"" },
  { from: '_io', to: 'io', prefix: false, source: 'cpython Lib/io.py re-exports _io; public-bypasses B32 (`_io.FileIO`)' },
  { from: '_pickle', to: 'pickle', prefix: false, source: `${COMPAT_REV}; public-bypasses B41` },
  { from: '_functools', to: 'functools', prefix: false, source: `${COMPAT_REV}; public-bypasses B28` },
  { from: '_codecs', to: 'codecs', prefix: false, source: 'cpython Lib/codecs.py `from _codecs import *`; torch _weights_only_unpickler.py imports `_codecs.encode`' },
  { from: '_collections', to: 'collections', prefix: false, source: 'cpython Lib/collections/__init__.py imports deque/defaultdict from _collections' },
  { from: '_socket', to: 'socket', prefix: false, source: 'cpython Lib/socket.py wraps _socket; _compat_pickle NAME_MAPPING (_socket, fromfd)' },
  { from: 'numpy._core', to: 'numpy.core', prefix: true, source: 'numpy 2.0 migration guide: numpy.core renamed numpy._core (numpy.core kept as a shim); fairseq issue #5603 shows `numpy._core.multiarray._reconstruct` in real checkpoints' },
  { from: 'pathlib._local', to: 'pathlib', prefix: false, source: 'cpython 3.13: pathlib became a package, Path classes have __module__ "pathlib._local"' },
];

const EXACT = new Map<string, string>();
for (const [from, to] of Object.entries(COMPAT_IMPORT_MAPPING)) EXACT.set(from, to);
for (const a of SAME_OBJECT_ALIASES) if (!a.prefix) EXACT.set(a.from, a.to);
const PREFIX = SAME_OBJECT_ALIASES.filter((a) => a.prefix);

/** Every alias with where it comes from, for documentation and `modelvet rules` output. */
export function listAliases(): ModuleAlias[] {
  const compat = Object.entries(COMPAT_IMPORT_MAPPING).map(([from, to]) => ({ from, to, prefix: false, source: COMPAT }));
  return [...compat, ...SAME_OBJECT_ALIASES];
}

/** Canonical module name: exact renames first, then renamed-package prefixes. */
export function normalizeModule(module: string): string {
  const exact = EXACT.get(module);
  if (exact !== undefined) return exact;
  for (const a of PREFIX) {
    if (module === a.from) return a.to;
    if (module.startsWith(a.from + '.')) return a.to + module.slice(a.from.length);
  }
  return module;
}

/** Canonical (module, name) as the unpickler would resolve it; `exceptions.X` is `builtins.X`. */
export function normalizeGlobal(module: string, name: string): { module: string; name: string } {
  const pair = COMPAT_NAME_MAPPING[`${module} ${name}`];
  if (pair) return { module: pair[0], name: pair[1] };
  if (module === 'exceptions') return { module: 'builtins', name };
  return { module: normalizeModule(module), name };
}

/** Longest alias key, in components: alias lookups never need to look further into a path. */
const ALIAS_MAX_DEPTH = Math.max(...[...EXACT.keys(), ...PREFIX.map((a) => a.from)].map((k) => k.split('.').length));

/**
 * The canonical spelling of the module run starting at `parts[start]`, if that run is an alias:
 * `head` replaces the first `consumed` components. Bounded by ALIAS_MAX_DEPTH, so scanning every
 * suffix of a very long dotted name stays linear.
 */
export function aliasHead(parts: readonly string[], start = 0): { head: string[]; consumed: number } | undefined {
  for (let a = Math.min(ALIAS_MAX_DEPTH, parts.length - start); a >= 1; a--) {
    const run = parts.slice(start, start + a).join('.');
    const mapped = normalizeModule(run);
    if (mapped !== run) return { head: mapped.split('.'), consumed: a };
  }
  return undefined;
}

/**
 * Canonical spelling of a dotted path whose module/attribute split is unknown (a suffix of a
 * dotted name, `pathlib` + `posix.system`): the longest leading alias is rewritten, attributes
 * below it are kept.
 */
export function normalizePath(path: string): string {
  const parts = path.split('.');
  const alias = aliasHead(parts);
  return alias ? [...alias.head, ...parts.slice(alias.consumed)].join('.') : path;
}
