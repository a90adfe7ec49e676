import { expect } from 'chai';
import { analyse, callTo, kwargsOf, lines, str } from './helpers.js';

describe('Python source: calls, imports and values', () => {
  describe('calls and locations', () => {
    it('reads a call spread over lines at the line and column where it starts', async () => {
      const a = await analyse(
        lines(
          'from transformers import AutoModel',
          '',
          'def load():',
          '    model = AutoModel.from_pretrained(',
          '        "org/name",',
          '        revision="main",',
          '    )',
        ),
        'train.py',
      );
      expect(a.format).to.equal('python-source');
      expect(a.code.language).to.equal('python');
      const call = callTo(a, 'transformers.AutoModel.from_pretrained');
      expect(call.location).to.deep.equal({ line: 4, column: 13 });
      expect(call.written).to.equal('AutoModel.from_pretrained');
      expect(call.args).to.deep.equal([str('org/name')]);
      expect(kwargsOf(call)).to.deep.equal({ revision: str('main') });
      expect(call.hasUnknownKwargs).to.equal(false);
      expect(call.hasStarArgs).to.equal(false);
    });

    it('keeps only calls the tables name, and any call passing trust_remote_code', async () => {
      const a = await analyse(
        lines('import json, torch', 'print(json.load(f))', 'torch.zeros(3)', 'torch.jit.load("m.pt")', 'make_model("org/x", trust_remote_code=True)', 'torch.load("w.pt")'),
        'x.py',
      );
      expect(a.code.calls.map((c) => c.callee)).to.deep.equal(['make_model', 'torch.load']);
      expect(kwargsOf(a.code.calls[0]!)).to.deep.equal({ trust_remote_code: { kind: 'bool', value: true } });
    });

    it('counts recovered syntax errors and still extracts the calls around them', async () => {
      const a = await analyse(lines('import torch', 'def broken(:', '    pass', 'torch.load("a.pt")', 'x = (1,', 'torch.load("b.pt")'), 'broken.py');
      expect(a.code.syntaxErrors).to.be.greaterThan(0);
      expect(a.anomalies).to.deep.equal([]);
      expect(a.code.calls.map((c) => c.args[0])).to.deep.include(str('a.pt'));
    });

    it('lists every module imported, once, relative ones as written', async () => {
      const a = await analyse(lines('import torch, numpy as np', 'from transformers import AutoModel', 'from . import utils', 'from ..models import x', 'def f():', '    import pickle', '    import torch'), 'm.py');
      expect(a.code.imports).to.deep.equal(['torch', 'numpy', 'transformers', '.', '..models', 'pickle']);
    });
  });

  describe('import resolution', () => {
    const forms: Array<[string, string, string]> = [
      ['import torch', 'torch.load(f)', 'torch.load'],
      ['import torch as t', 't.load(f)', 'torch.load'],
      ['from torch import load', 'load(f)', 'torch.load'],
      ['from torch import load as L', 'L(f)', 'torch.load'],
      ['import torch.serialization', 'torch.serialization.load(f)', 'torch.serialization.load'],
      ['from transformers import AutoModel as AM', 'AM.from_pretrained("o/n")', 'transformers.AutoModel.from_pretrained'],
      ['import transformers.models.auto as a', 'a.AutoModel.from_pretrained("o/n")', 'transformers.models.auto.AutoModel.from_pretrained'],
      ['import tensorflow as tf', 'tf.keras.models.load_model(p)', 'tensorflow.keras.models.load_model'],
      ['from tensorflow import keras', 'keras.models.load_model(p)', 'tensorflow.keras.models.load_model'],
      ['import numpy as np', 'np.load(p, allow_pickle=True)', 'numpy.load'],
      ['import _pickle as cPickle', 'cPickle.loads(b)', '_pickle.loads'],
      ['from huggingface_hub import snapshot_download as sd', 'sd("o/n")', 'huggingface_hub.snapshot_download'],
      ['from transformers import *', 'pipeline("t", model="o/n")', 'transformers.pipeline'],
      ['from transformers import *', 'AutoTokenizer.from_pretrained("o/n")', 'transformers.AutoTokenizer.from_pretrained'],
      ['from torch import *', 'load(f)', 'torch.load'],
    ];
    for (const [imp, use, callee] of forms) {
      it(`${imp}; ${use} → ${callee}`, async () => {
        const a = await analyse(lines(imp, use), 'r.py');
        expect(a.code.calls.map((c) => c.callee)).to.deep.equal([callee]);
        expect(a.code.calls[0]!.location).to.deep.equal({ line: 2, column: 1 });
      });
    }

    it('a star import resolves only names its tables know (json.load stays unknown)', async () => {
      const a = await analyse(lines('from json import *', 'load(f)', 'from os import *', 'system("x")'), 's.py');
      expect(a.code.calls).to.deep.equal([]);
    });

    it('keeps relative imports unresolved', async () => {
      const a = await analyse(lines('from .modeling import MyModel', 'from . import hub', 'MyModel.from_pretrained("o/n")', 'hub.snapshot_download("o/n")'), 'pkg.py');
      expect(a.code.calls.map((c) => c.callee)).to.deep.equal(['.modeling.MyModel.from_pretrained', '.hub.snapshot_download']);
    });

    it('scopes an import inside a function to that function', async () => {
      const a = await analyse(lines('def f(b):', '    import pickle as p', '    return p.loads(b)', 'def g(b):', '    return p.loads(b)'), 'scoped.py');
      expect(a.code.calls.map((c) => c.callee)).to.deep.equal(['pickle.loads']);
    });

    it('a function sees module imports made after its definition (it runs later)', async () => {
      const a = await analyse(lines('def f(x):', '    return torch.load(x)', 'import torch'), 'late.py');
      expect(a.code.calls.map((c) => c.callee)).to.deep.equal(['torch.load']);
    });

    it('follows a plain alias of the same scope, not a reassigned one', async () => {
      const a = await analyse(
        lines('from transformers import AutoModel, AutoTokenizer', 'cls = AutoModel', 'cls.from_pretrained("o/a")', 'other = AutoTokenizer', 'other = make()', 'other.from_pretrained("o/b")', 'loader = torch_load', 'import torch', 'fn = torch.load', 'fn(x)'),
        'alias.py',
      );
      expect(a.code.calls.map((c) => c.callee)).to.deep.equal(['transformers.AutoModel.from_pretrained', '?.from_pretrained', 'torch.load']);
    });

    it('names a method on a receiver of unknown origin ?.method', async () => {
      const a = await analyse(
        lines('class M:', '    @classmethod', '    def build(cls, name):', '        return cls.from_pretrained(name)', 'def g(model_cls):', '    model_cls.from_config(cfg, trust_remote_code=True)', 'get()().from_pretrained("o/n")'),
        'methods.py',
      );
      expect(a.code.calls.map((c) => [c.callee, c.written])).to.deep.equal([
        ['?.from_pretrained', 'cls.from_pretrained'],
        ['?.from_config', 'model_cls.from_config'],
        ['?.from_pretrained', 'get()().from_pretrained'],
      ]);
    });

    it('honours global declarations: the name is the module one', async () => {
      const a = await analyse(lines('import torch', 'def f():', '    global torch', '    torch.load(x)'), 'glob.py');
      expect(a.code.calls.map((c) => c.callee)).to.deep.equal(['torch.load']);
    });

    it('a class body does not lend its names to its methods', async () => {
      const a = await analyse(lines('import pickle', 'class C:', '    pickle = None', '    def m(self, b):', '        return pickle.loads(b)'), 'cls.py');
      expect(a.code.calls.map((c) => c.callee)).to.deep.equal(['pickle.loads']);
    });
  });

  describe('values', () => {
    async function kwargsFor(...body: string[]): Promise<Record<string, unknown>> {
      const a = await analyse(lines('import torch', ...body), 'v.py');
      return kwargsOf(a.code.calls.at(-1)!);
    }

    it('reads literals: strings, implicit and + concatenation, escapes, raw strings, numbers, booleans, None', async () => {
      const kw = await kwargsFor(
        'torch.load(f, a="org/" "name", b="a" + \'b\' + "c", c="tab\\there\\x41\\u00e9", d=r"a\\n", e=42, f=-1.5, g=0x10, h=1_000, i=True, j=False, k=None, l=b"bytes", m=3j)',
      );
      expect(kw).to.deep.equal({
        a: str('org/name'),
        b: str('abc'),
        c: str('tab\thereAé'),
        d: str('a\\n'),
        e: { kind: 'number', value: 42 },
        f: { kind: 'number', value: -1.5 },
        g: { kind: 'number', value: 16 },
        h: { kind: 'number', value: 1000 },
        i: { kind: 'bool', value: true },
        j: { kind: 'bool', value: false },
        k: { kind: 'none' },
        l: { kind: 'unknown', text: 'b"bytes"' },
        m: { kind: 'unknown', text: '3j' },
      });
    });

    it('reads an f-string without interpolation as a literal, with one as unknown', async () => {
      const kw = await kwargsFor('torch.load(f, a=f"v1", b=f"{{x}}", c=f"v{n}", d=f"v" "1", e="x" f"{y}")');
      expect(kw).to.deep.equal({ a: str('v1'), b: str('{x}'), c: { kind: 'unknown', text: 'f"v{n}"' }, d: str('v1'), e: { kind: 'unknown', text: '"x" f"{y}"' } });
    });

    it('follows a name bound once to a literal before the call, in the same scope', async () => {
      const kw = await kwargsFor('REV = "v1"', 'ORG = "org"', 'NAME = ORG + "/name"', 'torch.load(f, revision=REV, repo=NAME)');
      expect(kw).to.deep.equal({ revision: str('v1'), repo: str('org/name') });
    });

    it('does not follow a reassigned name, a parameter, or a local bound after the call; follows module constants into functions', async () => {
      const kw = await kwargsFor(
        'A = "x"',
        'A = "y"',
        'C = "module"',
        'def f(p):',
        '    torch.load(f, a=A, b=B, c=C, d=p, e=L)',
        '    L = "late"',
        'B = "after"',
      );
      expect(kw).to.deep.equal({
        a: { kind: 'unknown', text: 'A' },
        // Module names bound once are constants by the time a function runs (MODEL_ID read in main()).
        b: str('after'),
        c: str('module'),
        d: { kind: 'unknown', text: 'p' },
        e: { kind: 'unknown', text: 'L' },
      });
    });

    it('does not follow a module name that some function declares global, or changes in place', async () => {
      const kw = await kwargsFor('REV = "v1"', 'KW = {"revision": "v1"}', 'def g():', '    global REV', '    REV = "v2"', 'def f():', '    KW["revision"] = "v3"', '    torch.load(f, revision=REV, **KW)');
      expect(kw.revision).to.deep.equal({ kind: 'unknown', text: 'REV' });
    });

    it('does not follow names bound by loops, with, augmented assignment or tuple unpacking', async () => {
      const kw = await kwargsFor('for a in "xy": pass', 'with open(p) as b: pass', 'c = "x"', 'c += "y"', 'd, e = "1", "2"', 'torch.load(f, a=a, b=b, c=c, d=d)');
      expect(Object.values(kw).map((v) => (v as { kind: string }).kind)).to.deep.equal(['unknown', 'unknown', 'unknown', 'unknown']);
    });

    it('follows a name of the enclosing function from a comprehension, and a walrus binding', async () => {
      const kw = await kwargsFor('def f(xs):', '    REV = "v2"', '    return [torch.load(x, revision=REV) for x in xs]');
      expect(kw).to.deep.equal({ revision: str('v2') });
      const walrus = await kwargsFor('if (w := "abc"): pass', 'torch.load(f, w=w)');
      expect(walrus).to.deep.equal({ w: str('abc') });
    });

    it('resolves a name or attribute of unknown value to what it names (a yaml Loader, a pickle_module)', async () => {
      const a = await analyse(lines('import yaml', 'from yaml import SafeLoader as SL', 'import torch, pickle', 'yaml.load(f, Loader=SL)', 'yaml.load(f, Loader=yaml.FullLoader)', 'torch.load(f, pickle_module=pickle)'), 'y.py');
      expect(a.code.calls.map((c) => [...c.kwargs.values()][0])).to.deep.equal([
        { kind: 'unknown', text: 'SL', resolved: 'yaml.SafeLoader' },
        { kind: 'unknown', text: 'yaml.FullLoader', resolved: 'yaml.FullLoader' },
        { kind: 'unknown', text: 'pickle', resolved: 'pickle' },
      ]);
    });

    it('reads filesystem expressions as paths', async () => {
      const kw = await kwargsFor(
        'import os',
        'from pathlib import Path',
        'ROOT = Path(__file__).parent',
        'torch.load(f, a=os.path.join("a", "b"), b=Path("m") / "w.pt", c=__file__, d=ROOT / "x", e=f"{ROOT}/y", f=str(ROOT), g=os.path.dirname(__file__) + "/z", h=Path.home().joinpath("m"))',
      );
      expect(Object.entries(kw).map(([k, v]) => [k, (v as { kind: string }).kind])).to.deep.equal(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map((k) => [k, 'path']));
    });
  });

  describe('argument splats', () => {
    it('merges **{...} dict literals, **dict(...) and **name bound once to a dict literal', async () => {
      const a = await analyse(
        lines('from transformers import AutoModel as M', 'KW = {"revision": "abc", "trust_remote_code": True}', 'M.from_pretrained("o/a", **{"revision": "v1"})', 'M.from_pretrained("o/b", **dict(revision="v2"))', 'M.from_pretrained("o/c", **KW)'),
        'splat.py',
      );
      expect(a.code.calls.map(kwargsOf)).to.deep.equal([{ revision: str('v1') }, { revision: str('v2') }, { revision: str('abc'), trust_remote_code: { kind: 'bool', value: true } }]);
      expect(a.code.calls.every((c) => !c.hasUnknownKwargs)).to.equal(true);
    });

    it('marks **kwargs whose keys are not known, and a dict changed in place', async () => {
      const a = await analyse(
        lines(
          'from transformers import AutoModel as M',
          'def f(**kwargs):',
          '    M.from_pretrained("o/a", **kwargs)',
          'OPTS = {"revision": "v1"}',
          'OPTS["revision"] = "main"',
          'M.from_pretrained("o/b", **OPTS)',
          'M.from_pretrained("o/c", **{k: v for k, v in x})',
          'M.from_pretrained("o/d", **{**base, "revision": "x"})',
        ),
        'unknown-splat.py',
      );
      expect(a.code.calls.map((c) => c.hasUnknownKwargs)).to.deep.equal([true, true, true, true]);
    });

    it('ends the positional arguments at *args', async () => {
      const a = await analyse(lines('import torch', 'torch.hub.load("a/b", *rest, "ignored", force_reload=True)'), 'star.py');
      const call = callTo(a, 'torch.hub.load');
      expect(call.args).to.deep.equal([str('a/b')]);
      expect(call.hasStarArgs).to.equal(true);
      expect(kwargsOf(call)).to.deep.equal({ force_reload: { kind: 'bool', value: true } });
    });

    it('finds trust_remote_code hidden in a **{...} literal on any callee', async () => {
      const a = await analyse(lines('build("o/n", **{"trust_remote_code": True})', 'build("o/n", **{"other": 1})'), 'hidden.py');
      expect(a.code.calls).to.have.length(1);
      expect(kwargsOf(a.code.calls[0]!)).to.deep.equal({ trust_remote_code: { kind: 'bool', value: true } });
    });

    it('reads a lone generator argument as one unknown positional', async () => {
      const a = await analyse(lines('import torch', 'torch.load(x for x in y)'), 'gen.py');
      expect(callTo(a, 'torch.load').args).to.deep.equal([{ kind: 'unknown', text: '(x for x in y)' }]);
    });
  });

  describe('encodings', () => {
    it('decodes a file declaring latin-1 in a coding comment', async () => {
      const text = '# -*- coding: latin-1 -*-\nimport torch\ntorch.load("caf\xe9.pt")\n';
      const bytes = Uint8Array.from(text, (c) => c.charCodeAt(0));
      const a = await analyse(bytes, 'latin.py');
      expect(a.anomalies).to.deep.equal([]);
      expect(callTo(a, 'torch.load').args).to.deep.equal([str('café.pt')]);
    });

    it('reads a UTF-8 byte-order mark as nothing', async () => {
      const a = await analyse('\ufeffimport torch\ntorch.load("a")\n', 'bom.py');
      expect(callTo(a, 'torch.load').location).to.deep.equal({ line: 2, column: 1 });
    });
  });
});
