/**
 * No regex in modelvet's sources backtracks catastrophically. Every regex literal (and every
 * `new RegExp` with a constant pattern) under src/ is run by V8, in a worker thread, against
 * adversarial inputs of 100 000 characters (runs of one character, alternating pairs, repeated
 * literal words, each ending in a character the pattern cannot expect). A regex whose match
 * over one input is not over within 2 s is terminated and fails: exponential backtracking never
 * ends and a quadratic one (`/\/+$/` over a long run of slashes that is not trailing) takes
 * seconds at this length, while a linear match takes milliseconds. The cap is a limit, not a
 * speed measurement, so a busy machine does not make the test flaky.
 *
 * The JSON Schemas' `pattern`s and the ajv format checks they name are run the same way: ajv
 * applies them to lockfiles, configs and BOM strings that come from input.
 *
 * Every regex is tested, not only those known to see input: whether a pattern is applied to a
 * file's content changes as code moves, and a safe regex costs nothing to check.
 */
import { expect } from 'chai';
import { collectRegexes, collectSchemaRegexes, formatChecks, type SourceRegex } from './regex-corpus.js';
import { runRegexes, type RegexVerdict } from './regex-runner.js';

const CAP_MS = 2000;
const LENGTH = 100_000;

const describeVerdict = (v: RegexVerdict): string => `${v.regex.where} /${v.regex.source}/${v.regex.flags}: ${v.outcome} on ${v.input}`;

describe(`regex safety: no catastrophic backtracking on input (V8 ${process.versions.v8})`, function () {
  this.timeout(300_000);
  const corpus = collectRegexes();

  it('finds the regexes in the sources', () => {
    // A parser change that lost the regexes would make the rest pass vacuously.
    expect(corpus.regexes.length).to.be.greaterThan(250);
    expect(corpus.regexes.map((r) => r.where)).to.include.members(['src/parsers/numpy/literal.ts:338']);
    const constructed = corpus.regexes.find((r) => r.where === 'src/parsers/numpy/literal.ts:338')!;
    expect(constructed.source).to.equal('^(?:[0-9](?:_?[0-9])*\\.(?:[0-9](?:_?[0-9])*)?|\\.[0-9](?:_?[0-9])*|[0-9](?:_?[0-9])*)(?:[eE][+-]?[0-9](?:_?[0-9])*)?');
  });

  it('has no RegExp built from a pattern only known at run time', () => {
    // A computed pattern cannot be checked here: build it from constants, or test it by hand and list it.
    expect(corpus.dynamic, corpus.dynamic.join('\n')).to.deep.equal([]);
  });

  it('catches catastrophic regexes (the harness works)', async () => {
    const known: SourceRegex[] = [
      { where: 'exponential', source: '^(a+)+$', flags: '' },
      { where: 'exponential alternation', source: '^(?:\\w|\\d)*$', flags: '' },
      { where: 'quadratic', source: '\\/+$', flags: '' },
      { where: 'linear', source: '(?<!\\/)\\/+$', flags: '' },
    ];
    const verdicts = await runRegexes(known, { capMs: CAP_MS, length: LENGTH });
    expect(verdicts.map((v) => [v.regex.where, v.outcome])).to.deep.equal([
      ['exponential', 'catastrophic'],
      ['exponential alternation', 'catastrophic'],
      ['quadratic', 'catastrophic'],
      ['linear', 'ok'],
    ]);
  });

  it('every regex in src/ finishes every adversarial input within the cap', async () => {
    const verdicts = await runRegexes(corpus.regexes, { capMs: CAP_MS, length: LENGTH });
    const bad = verdicts.filter((v) => v.outcome !== 'ok');
    expect(bad.map(describeVerdict), 'regexes that fail (file:line, pattern, input)').to.deep.equal([]);
    // Each regex met its inputs (a worker that answered without running them would pass vacuously).
    expect(verdicts.every((v) => v.inputs >= 70)).to.equal(true);
  });

  it('every JSON Schema pattern and format check ajv applies finishes every adversarial input within the cap', async () => {
    const { regexes, formats } = collectSchemaRegexes();
    const { checks, unknown } = formatChecks(formats);
    // A format nobody checked here could hide a slow check: add it to FORMAT_CHECKS.
    expect(unknown).to.deep.equal([]);
    expect(regexes.length).to.be.greaterThan(20);
    expect(checks.map((c) => c.where)).to.include('format "uri" (ajv-formats/dist/formats.js)');
    const verdicts = await runRegexes([...regexes, ...checks], { capMs: CAP_MS, length: LENGTH });
    expect(verdicts.filter((v) => v.outcome !== 'ok').map(describeVerdict)).to.deep.equal([]);
    expect(verdicts.every((v) => v.inputs >= 70)).to.equal(true);
  });
});
