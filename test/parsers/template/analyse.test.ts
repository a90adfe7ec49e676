import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { analyseTemplateText, chatTemplateArtifact } from '../../../src/parsers/template/analyse.js';
import { TEMPLATE_CODES as C } from '../../../src/parsers/template/codes.js';
import type { Anomaly } from '../../../src/types.js';

const analyse = (text: string): Anomaly[] => analyseTemplateText(text);
const codes = (text: string): string[] => analyse(text).map((a) => a.code);
/** The one anomaly of `code`, asserting there is exactly one. */
function one(text: string, code: string): Anomaly {
  const found = analyse(text).filter((a) => a.code === code);
  expect(found, `${code} in ${text}: ${JSON.stringify(analyse(text))}`).to.have.length(1);
  return found[0];
}
const names = (a: Anomaly): unknown => a.detail?.names;

describe('chat template analysis: the artifact', () => {
  it('hashes the UTF-8 text, records origin, name and sizes', () => {
    const text = "{{ 'héllo' }}";
    const a = chatTemplateArtifact(text, 'tokenizer_config.json!chat_template.tool_use', 'tokenizer-config', 'tool_use');
    expect(a.format).to.equal('chat-template');
    expect(a.path).to.equal('tokenizer_config.json!chat_template.tool_use');
    expect(a.template).to.deep.equal({ origin: 'tokenizer-config', name: 'tool_use', sha256: createHash('sha256').update(Buffer.from(text, 'utf8')).digest('hex'), length: text.length });
    expect(a.size).to.equal(Buffer.byteLength(text));
    expect(a.anomalies).to.deep.equal([]);
  });

  it('leaves the name out when there is none', () => {
    expect(chatTemplateArtifact('x', 'p', 'gguf').template).to.not.have.property('name');
  });
});

describe('chat template analysis: attributes reached directly', () => {
  it('dunder chains from every Jinja global, one finding per expression naming each gadget', () => {
    for (const root of ['cycler', 'joiner', 'namespace', 'self']) {
      const a = one(`{{ ${root}.__init__.__globals__.os.getcwd() }}`, C.dunderAttribute);
      expect(names(a)).to.deep.equal(['__init__', '__globals__']);
      expect(a.message).to.contain(`\`${root}.__init__.__globals__.os.getcwd()\``);
      expect(a.message).to.contain('`__globals__`');
    }
    expect(names(one("{{ lipsum.__globals__['os'].popen('echo modelvet').read() }}", C.dunderAttribute))).to.deep.equal(['__globals__']);
  });

  it('the Llama Drama payload (CVE-2024-34359), with its empty tuple that @huggingface/jinja alone cannot parse', () => {
    const payload = "{% for x in ().__class__.__base__.__subclasses__() %}{% if 'warning' in x.__name__ %}{{ x()._module.__builtins__['__import__']('os').getcwd() }}{% endif %}{% endfor %}";
    const found = analyse(payload);
    expect(found.every((a) => a.code === C.dunderAttribute)).to.equal(true);
    const all = found.flatMap((a) => a.detail!.names as string[]);
    expect(all).to.include.members(['__class__', '__base__', '__subclasses__', '__name__', '_module', '__builtins__', '__import__']);
    expect(found[0].detail!.expression).to.equal('().__class__.__base__.__subclasses__()');
    expect(names(one("{{ x|attr(('__class__',)|first) }}", C.dunderAttribute))).to.deep.equal(['__class__']);
  });

  it('subscripts, |attr, |map, |selectattr dotted paths and {% filter attr %}', () => {
    expect(names(one("{{ messages['__class__'] }}", C.dunderAttribute))).to.deep.equal(['__class__']);
    expect(one("{{ messages|attr('__class__') }}", C.dunderAttribute).detail!.via).to.deep.equal(['|attr']);
    expect(names(one("{{ messages|map('attr', '__class__')|list }}", C.dunderAttribute))).to.deep.equal(['__class__']);
    expect(names(one("{{ messages|map(attribute='__globals__') }}", C.dunderAttribute))).to.deep.equal(['__globals__']);
    expect(names(one("{{ messages|selectattr('role.__class__') }}", C.dunderAttribute))).to.deep.equal(['__class__']);
    expect(names(one("{{ messages|groupby('__class__') }}", C.dunderAttribute))).to.deep.equal(['__class__']);
    expect(names(one("{% filter attr('__class__') %}x{% endfilter %}", C.dunderAttribute))).to.deep.equal(['__class__']);
    expect(names(one("{{ x|attr('__class__')|attr('__mro__') }}", C.dunderAttribute))).to.deep.equal(['__class__', '__mro__']);
  });

  it('calls written after a filter do not hide it (x|attr(...)())', () => {
    expect(names(one("{{ (x|attr('__class__')|attr('__mro__'))[1]|attr('__subclasses__')() }}", C.dunderAttribute))).to.deep.equal(['__class__', '__mro__', '__subclasses__']);
  });

  it('the gadgets without underscores, and sys.modules only on sys', () => {
    expect(names(one('{{ x.gi_frame.f_back.f_globals }}', C.dunderAttribute))).to.deep.equal(['gi_frame', 'f_back', 'f_globals']);
    expect(names(one('{{ x.mro() }}', C.dunderAttribute))).to.deep.equal(['mro']);
    expect(names(one('{{ x.sys.modules }}', C.dunderAttribute))).to.deep.equal(['modules']);
    expect(codes('{{ tool.modules }}')).to.deep.equal([]);
  });

  it('a name-mangled private reaches the template context', () => {
    expect(names(one('{{ self._TemplateReference__context.cycler }}', C.dunderAttribute))).to.deep.equal(['_TemplateReference__context']);
  });

  it('string escapes are decoded before the names are judged, Python escapes included (as Jinja2 decodes them)', () => {
    for (const literal of ['\\x5f\\x5fclass\\x5f\\x5f', '\\137\\137class\\137\\137', '\\N{LOW LINE}\\N{LOW LINE}\\N{LATIN SMALL LETTER C}lass__', '\\U0000005f\\U0000005fclass__', '__cla\\\nss__']) {
      expect(names(one(`{{ x|attr('${literal}') }}`, C.dunderAttribute)), literal).to.deep.equal(['__class__']);
    }
    // Unknown escapes stay a backslash and a letter, as in Python; an unknown \N{…} name is reported as unchecked.
    expect(codes("{{ 'C:\\path' }}")).to.deep.equal([]);
    expect(codes("{{ x|attr('\\N{SNOWMAN}') }}")).to.deep.equal([C.unparsed]);
  });
});

describe('chat template analysis: names assembled at render time', () => {
  const classVia = (expr: string): void => {
    const a = one(`{{ messages|attr(${expr}) }}`, C.dunderAttribute);
    expect(names(a), expr).to.deep.equal(['__class__']);
  };

  it('concatenation with ~ and +', () => {
    classVia("'__cla' ~ 'ss__'");
    classVia("'__cla' + 'ss__'");
    classVia("'_' * 2 ~ 'class' ~ '_' * 2");
  });

  it('|format, % and .format, including %c and {:c} from numbers', () => {
    classVia("'%sclass%s'|format('__', '__')");
    classVia("'%sclass%s' % ('__', '__')");
    classVia("'{}class{}'.format('__', '__')");
    classVia("'%c%cclass%c%c'|format(95, 95, 95, 95)");
    classVia("'{:c}{:c}class{:c}{:c}'.format(95, 95, 95, 95)");
  });

  it('|join, |replace, |reverse, |lower, slicing, indexing, |first', () => {
    classVia("['_', '_class_', '_']|join");
    classVia("'_'.join(['_', 'class', '_'])");
    classVia("'XXclassXX'|replace('X', '_')");
    classVia("'__ssalc__'|reverse");
    classVia("'__CLASS__'|lower");
    classVia("'a__class__b'[1:-1]");
    classVia("'__ssalc__'[::-1]");
    classVia("['x', '__class__']|last");
  });

  it('variables, namespace slots, block sets, loops over literals, macro arguments and dict() keywords', () => {
    const prefix = (setup: string, expr: string): void => {
      // Flow-insensitive: a set variable may also be read before its assignment (Undefined, ''), so partial names appear too.
      const a = one(`${setup}{{ messages|attr(${expr}) }}`, C.dunderAttribute);
      expect(names(a), setup).to.include('__class__');
    };
    prefix("{% set name = '__cla' ~ 'ss__' %}", 'name');
    prefix("{% set ns = namespace(n='__class__') %}", 'ns.n');
    prefix("{% set ns = namespace() %}{% set ns.n = '__class__' %}", 'ns.n');
    prefix('{% set n %}__class__{% endset %}', 'n');
    prefix("{% set a, b = '__cla', 'ss__' %}", 'a ~ b');
    prefix("{% macro m(p) %}{{ x|attr(p) }}{% endmacro %}{{ m('__class__') }}", "'x'");
    prefix('', 'dict(__class__=1)|first');
  });

  it('names whose exact value is lost still show the underscores they are built from', () => {
    const loop = one("{% set ns = namespace(n='') %}{% for c in ['_', '_', 'c', 'l', 'a', 's', 's', '_', '_'] %}{% set ns.n = ns.n ~ c %}{% endfor %}{{ x|attr(ns.n) }}", C.assembledAttribute);
    expect(loop.detail!.pieces).to.include('_');
    const macro = one("{% macro u() %}__{% endmacro %}{{ x[u() ~ 'class' ~ u()] }}", C.assembledAttribute);
    expect(macro.message).to.contain("'__'");
  });

  it('formatting with mappings, keywords and argument unpacking keeps the pieces it is given', () => {
    for (const expr of ["'%(a)c%(a)cclass%(a)c%(a)c' % {'a': 95}", "'%(a)sclass%(a)s'|format(a='__')", "'{a}class{a}'.format(**{'a': '__'})", "'{}class{}'.format(*['__', '__'])"]) {
      expect(codes(`{{ x|attr(${expr}) }}`), expr).to.deep.equal([C.assembledAttribute]);
    }
  });

  it("underscores taken from an object's repr (no `_` literal anywhere)", () => {
    const a = one("{% set u = (()|select|string)[24] %}{{ messages|attr(u ~ u ~ 'class' ~ u ~ u) }}", C.assembledAttribute);
    expect(a.message).to.contain('object repr');
  });
});

describe('chat template analysis: str.format', () => {
  it('fields that walk attributes, on the receiver or handed to a stored format', () => {
    expect(names(one("{{ '{0.__class__.__base__}'.format(x) }}", C.formatStringAttribute))).to.deep.equal(['__class__', '__base__']);
    expect(names(one("{{ '{x[__globals__]}'.format_map(d) }}", C.formatStringAttribute))).to.deep.equal(['__globals__']);
    const stored = analyse("{% set f = ''.format %}{{ f('{0.__class__}', x) }}");
    expect(stored.map((a) => a.code).sort()).to.deep.equal([C.formatMethodReference, C.formatStringAttribute].sort());
  });

  it('format taken as a value: |attr always, dot or subscript only on strings', () => {
    expect(one("{{ ''|attr('format') }}", C.formatMethodReference).message).to.contain('CVE-2025-27516');
    expect(one("{% set s = 'a' %}{{ s['format'] }}", C.formatMethodReference).detail!.via).to.deep.equal(['subscript']);
    // A JSON schema's "format" keyword on a data mapping is data.
    expect(codes("{{ param['format'] }}{{ param.format }}")).to.deep.equal([]);
    expect(codes("{{ '{}'.format(x) }}")).to.deep.equal([]);
  });
});

describe('chat template analysis: unsafe constructs (high)', () => {
  it('template loading statements, with the statement and its line', () => {
    const inc = one("hi\n{% include 'evil.jinja' ignore missing with context %}", C.loadsTemplate);
    expect(inc.detail).to.include({ keyword: 'include', line: 2, column: 1 });
    expect(inc.message).to.contain("{% include 'evil.jinja' ignore missing with context %}");
    expect(one("{% import 'm.jinja' as m %}{{ m.f() }}", C.loadsTemplate).detail!.keyword).to.equal('import');
    expect(one("{% from 'm.jinja' import f as g %}{{ g() }}", C.loadsTemplate).detail!.keyword).to.equal('from');
    expect(one("{% extends 'base.jinja' %}{% block body %}x{% endblock %}", C.loadsTemplate).detail!.keyword).to.equal('extends');
  });

  it('the rest of a template around a loading statement is still analysed', () => {
    expect(codes("{% include 'a' %}{{ cycler.__init__ }}").sort()).to.deep.equal([C.dunderAttribute, C.loadsTemplate].sort());
    expect(names(one("{% include x.__class__ %}", C.dunderAttribute))).to.deep.equal(['__class__']);
  });

  it('globals used as objects; calling or testing them is normal', () => {
    expect(one('{{ lipsum|string }}', C.escapeRoot).detail!.names).to.deep.equal(['lipsum']);
    expect(one('{% set c = cycler %}{{ c }}', C.escapeRoot).detail!.names).to.deep.equal(['cycler']);
    expect(one('{{ config.items() }}', C.escapeRoot).message).to.contain('`config`');
    expect(one('{{ url_for }}', C.escapeRoot).detail!.foreign).to.equal(true);
    expect(codes("{% set ns = namespace(a=1) %}{{ ns.a }}{{ range(3)|list }}{% if strftime_now is defined %}{{ strftime_now('%Y') }}{% endif %}{{ raise_exception('no') }}{{ dict(a=1) }}{% set j = joiner(', ') %}{{ j() }}")).to.deep.equal([]);
    expect(codes('{% set cycler = messages %}{{ cycler.role }}')).to.deep.equal([]);
  });

  it('computed names through |attr, on globals, or from special tokens', () => {
    expect(one('{{ x|attr(y) }}', C.computedAttribute).detail!.via).to.deep.equal(['|attr']);
    expect(one('{{ cycler[name] }}', C.computedAttribute).message).to.contain('`cycler`');
    expect(one('{{ x[eos_token] }}', C.computedAttribute).message).to.contain('special token');
  });

  it('computed subscripts on data are normal', () => {
    expect(
      codes(
        "{% for key in message %}{{ message[key] }}{% endfor %}{% for k, v in tool.items() %}{{ tool[k] }}{% endfor %}{{ map[json.type] }}{{ messages[loop_index + 1] }}{% set key = 'tool_calls' %}{{ message[key] }}{{ message['content'].split('</think>')[-1] }}",
      ),
    ).to.deep.equal([]);
  });
});

describe('chat template analysis: denial of service (medium)', () => {
  it('huge constant ranges, nested loops, repetition, powers and padding', () => {
    expect(one('{{ range(10**9)|list }}', C.denialOfService).detail).to.include({ kind: 'range', items: '1000000000' });
    expect(one('{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}', C.denialOfService).detail).to.include({ kind: 'nested-loops' });
    expect(one("{{ 'ab' * 100000000 }}", C.denialOfService).detail).to.include({ kind: 'repeat', length: '200000000' });
    expect(one('{{ 7 ** 10000000 }}', C.denialOfService).detail).to.include({ kind: 'power' });
    expect(one("{{ 'x'|center(999999999) }}", C.denialOfService).detail).to.include({ kind: 'padding' });
  });

  it('ordinary sizes are not flagged', () => {
    expect(codes("{% for i in range(10) %}{% for j in range(100) %}{{ '-' * 80 }}{% endfor %}{% endfor %}{{ 2 ** 10 }}{{ x|indent(4) }}")).to.deep.equal([]);
  });
});

describe('chat template analysis: what cannot be checked (fail closed)', () => {
  it('a syntax error is template/unparsed, with the parser message', () => {
    const a = one('{% for x in y %}no end', C.unparsed);
    expect(a.message).to.match(/could not be parsed .*not checked/);
    expect(one("{{ 'unterminated }}", C.unparsed).detail!.stage).to.equal('lexer');
  });

  it('an unparsable template whose tokens still name gadgets is also a sandbox escape', () => {
    const found = analyse('{% raw %}{{ x.__class__.__mro__ }}{% endraw %}');
    expect(found.map((a) => a.code)).to.deep.equal([C.unparsed, C.gadgetToken]);
    expect(found[1].detail!.names).to.deep.equal(['__class__', '__mro__']);
  });

  it('over the size limit', () => {
    const a = analyseTemplateText('x'.repeat(101), { maxTemplateChars: 100, maxNesting: 64, maxAstDepth: 400 });
    expect(a.map((x) => x.code)).to.deep.equal([C.resourceLimit]);
    expect(a[0].detail).to.include({ what: 'size', limit: 100 });
  });

  it('nesting past the limit is refused before the parser recurses into it', () => {
    const deep = `{{ ${'('.repeat(5000)}x${')'.repeat(5000)} }}`;
    const a = analyse(deep);
    expect(a.map((x) => x.code)).to.deep.equal([C.resourceLimit]);
    expect(a[0].detail).to.include({ what: 'nesting' });
    expect(analyse(`{{ ${'not '.repeat(5000)}x }}`).map((x) => x.code)).to.deep.equal([C.resourceLimit]);
    const blocks = `${'{% if x %}'.repeat(200)}y${'{% endif %}'.repeat(200)}`;
    expect(analyse(blocks).map((x) => x.code)).to.deep.equal([C.resourceLimit]);
  });

  it('long flat chains are walked up to the AST depth limit and reported past it', () => {
    const chain = `{{ ${Array.from({ length: 2000 }, () => "'a'").join(' ~ ')} }}`;
    const a = analyse(chain);
    expect(a.map((x) => x.code)).to.deep.equal([C.resourceLimit]);
    expect(a[0].detail).to.include({ what: 'ast-depth' });
  });

  it('long whitespace runs do not make tokenizing quadratic', () => {
    const started = Date.now();
    const a = analyse(`${' '.repeat(400_000)}{{ x.__class__ }}${'\n'.repeat(300_000)}`);
    expect(Date.now() - started).to.be.lessThan(3000);
    expect(a.map((x) => x.code)).to.deep.equal([C.dunderAttribute]);
  });

  it('shortened whitespace makes slices of literals unknown, never wrongly exact', () => {
    const literal = `'_${' '.repeat(300)}_'`;
    // [::301] picks both underscores in Jinja2; after shortening the positions differ, so the name must stay unknown.
    const a = analyse(`{{ x|attr(${literal}[::301] ~ 'class' ~ '__') }}`);
    expect(a.map((x) => x.code)).to.deep.equal([C.assembledAttribute]);
  });
});
