/** The curated data files: schema-valid, sourced, consistent with each other. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect } from 'chai';
import AjvModule from 'ajv';
import { ALLOWLIST_URL, DENYLIST_URL, loadAllowlist, loadDenylist } from '../../src/policy/load.js';
import { AllowIndex } from '../../src/policy/allowlist.js';
import { DenyIndex } from '../../src/policy/denylist.js';
import { findIntrospection } from '../../src/policy/dotted.js';

// ajv is CommonJS; under NodeNext its default export arrives as the module object.
const Ajv = (AjvModule as unknown as { default: typeof AjvModule }).default ?? AjvModule;
const schema = JSON.parse(readFileSync(new URL('../../schemas/policy.schema.json', import.meta.url), 'utf8'));
const raw = (u: URL) => JSON.parse(readFileSync(u, 'utf8'));

describe('policy: data files', () => {
  const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

  for (const [label, url] of [['allowlist', ALLOWLIST_URL], ['denylist', DENYLIST_URL]] as const) {
    it(`${label} validates against schemas/policy.schema.json`, () => {
      const ok = validate(raw(url));
      expect(ok, JSON.stringify(validate.errors, null, 2)).to.equal(true);
    });
  }

  it('the schema rejects an entry without a source and an unjustified wildcard', () => {
    const bad1 = { kind: 'pickle-allowlist', version: 1, entries: [{ module: 'a', names: ['b'], source: '' }] };
    const bad2 = { kind: 'pickle-allowlist', version: 1, entries: [{ module: 'a', names: ['*'], source: 'x' }] };
    const bad3 = { kind: 'pickle-denylist', version: 1, introspection: { reason: 'r', source: 's' }, entries: [{ kind: 'module', targets: ['os'], reason: 'r' }] };
    for (const bad of [bad1, bad2, bad3]) expect(validate(bad), JSON.stringify(bad)).to.equal(false);
  });

  it('every entry has a non-empty source (and every deny entry a reason)', () => {
    for (const e of loadAllowlist().entries) expect(e.source.trim(), e.module).to.not.equal('');
    const deny = loadDenylist();
    expect(deny.introspection.source.trim()).to.not.equal('');
    for (const e of deny.entries) {
      expect(e.source.trim(), e.targets.join()).to.not.equal('');
      expect(e.reason.trim(), e.targets.join()).to.not.equal('');
    }
  });

  it('the only allowlist wildcard is TorchScript\'s own class namespace, and it is justified', () => {
    const wild = loadAllowlist().entries.filter((e) => e.names.includes('*'));
    expect(wild.map((e) => [e.module, e.context])).to.deep.equal([['__torch__', 'torchscript']]);
    expect(wild[0]!.wildcardReason).to.match(/TorchScript/);
  });

  it('no allowlisted global is denied or an introspection chain (the lists never disagree)', () => {
    const allow = new AllowIndex(loadAllowlist());
    const deny = new DenyIndex(loadDenylist());
    for (const [module, name] of allow.exactEntries()) {
      expect(deny.matchPath(`${module}.${name}`), `${module}.${name}`).to.equal(undefined);
      expect(deny.matchAttribute(name), `${module}.${name}`).to.equal(undefined);
      expect(findIntrospection(module, name), `${module}.${name}`).to.equal(undefined);
    }
  });

  it('no target is listed twice in the denylist, no pair twice in the allowlist', () => {
    const seen = new Set<string>();
    for (const e of loadDenylist().entries) for (const t of e.targets) {
      expect(seen.has(t), t).to.equal(false);
      seen.add(t);
    }
    const pairs = new Set<string>();
    for (const e of loadAllowlist().entries) for (const n of e.names) {
      const key = `${e.context ?? ''} ${e.module} ${n}`;
      expect(pairs.has(key), key).to.equal(false);
      pairs.add(key);
    }
  });

  it('covers the well-known public denylists (picklescan, modelscan, fickling) at least by module', () => {
    const deny = new DenyIndex(loadDenylist());
    // A representative name from each module-level entry of those lists.
    const fromPublicLists = ['os.system', 'posix.system', 'nt.system', 'subprocess.Popen', 'socket.socket', 'sys.modules', 'runpy._run_code', 'pty.spawn',
      'pickle.loads', 'webbrowser.open', 'http.client.HTTPSConnection', 'requests.api.get', 'aiohttp.client.ClientSession', 'asyncio.subprocess',
      'bdb.Bdb.run', 'ctypes.CDLL', 'numpy.f2py.crackfortran.getlincoef', 'pdb.run', 'pip.main', 'pydoc.locate', 'shutil.rmtree', 'ssl.wrap_socket',
      'timeit.timeit', 'venv.create', 'marshal.loads', 'importlib.import_module', 'pkgutil.resolve_name', 'code.interact', 'codeop.compile_command',
      'multiprocessing.Process', 'ftplib.FTP', 'tempfile.mkstemp', 'glob.glob', 'inspect.currentframe', 'gc.get_objects', 'dill.loads',
      'cloudpickle.loads', 'threading.Thread', 'atexit.register', 'zipimport.zipimporter', 'idlelib.run', 'lib2to3.main', 'doctest.testmod'];
    for (const p of fromPublicLists) expect(deny.matchPath(p), p).to.not.equal(undefined);
  });

  it('the loader rejects a broken file with a clear error', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'modelvet-policy-')), 'broken.json');
    writeFileSync(file, '{}');
    const tmp = pathToFileURL(file);
    expect(() => loadAllowlist(tmp)).to.throw(/not a pickle-allowlist/);
    expect(() => loadDenylist(tmp)).to.throw(/not a pickle-denylist/);
  });
});
