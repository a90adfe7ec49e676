import { expect } from 'chai';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load.js';
import { DEFAULT_ANALYSE_OPTIONS } from '../../src/engine/analyse.js';
import { analyseOptionsFrom, DEFAULT_LIMITS, LIMITS, type LimitKey } from '../../src/engine/limits.js';
import { DEFAULT_PICKLE_BUDGETS } from '../../src/parsers/pickle/budgets.js';
import type { LimitsConfig } from '../../src/config/types.js';
import { UsageError } from '../../src/util/errors.js';

const schema = JSON.parse(readFileSync(new URL('../../schemas/config.schema.json', import.meta.url), 'utf8'));

/** `limits:` holding one key (dotted for pickle budgets) set to a value. */
function limitsWith(key: LimitKey | string, value: unknown): Record<string, unknown> {
  const [first, second] = key.split('.');
  return second === undefined ? { [first!]: value } : { [first!]: { [second]: value } };
}

/** Writes a config file and loads it the way every command does. */
function load(limits: unknown, format: 'json' | 'yaml' = 'json') {
  const dir = mkdtempSync(join(tmpdir(), 'modelvet-limits-config-'));
  const file = join(dir, format === 'json' ? 'modelvet.config.json' : 'modelvet.config.yaml');
  writeFileSync(file, format === 'json' ? JSON.stringify({ limits }) : limits as string);
  return loadConfig({ configFile: file, cwd: dir });
}

function loadError(limits: unknown, format: 'json' | 'yaml' = 'json'): UsageError {
  try {
    load(limits, format);
  } catch (err) {
    expect(err).to.be.instanceOf(UsageError);
    return err as UsageError;
  }
  expect.fail(`configuration ${JSON.stringify(limits)} was accepted`);
}

describe('limits: configuration', () => {
  it('keeps today\'s defaults when no limit is configured', () => {
    const options = analyseOptionsFrom(loadConfig({ cwd: mkdtempSync(join(tmpdir(), 'modelvet-limits-none-')) }));
    expect(options).to.deep.equal({
      maxFileBytes: 4 * 1024 ** 3,
      maxDepth: 4,
      maxMemberBytes: 256 * 1024 * 1024,
      maxCompressionRatio: 2000,
      maxArchiveMembers: 10_000,
      maxJsonBytes: 100 * 1024 * 1024,
      maxYamlBytes: 2 * 1024 * 1024,
      codeParseTimeMs: 15_000,
      fileTimeBudgetMs: 60_000,
      pickleBudgets: { ...DEFAULT_PICKLE_BUDGETS },
    });
    expect(DEFAULT_ANALYSE_OPTIONS).to.deep.equal(options);
    expect(DEFAULT_ANALYSE_OPTIONS).to.equal(DEFAULT_LIMITS);
  });

  it('sets every configured limit on the analysis options, under the name parsers use', () => {
    const config = load({
      maxFileBytes: 11,
      maxDecompressedBytes: 12,
      maxCompressionRatio: 13,
      maxArchiveDepth: 0,
      maxArchiveMembers: 15,
      maxJsonHeaderBytes: 16,
      maxYamlBytes: 17,
      codeParseTimeMs: 18,
      fileTimeBudgetMs: 19,
      pickle: { maxOpcodes: 20, maxMemo: 21, maxStackDepth: 22, maxNesting: 0, maxStreams: 24, maxResyncBytes: 0, maxRecords: 26 },
    });
    expect(analyseOptionsFrom(config)).to.deep.equal({
      maxFileBytes: 11,
      maxMemberBytes: 12,
      maxCompressionRatio: 13,
      maxDepth: 0,
      maxArchiveMembers: 15,
      maxJsonBytes: 16,
      maxYamlBytes: 17,
      codeParseTimeMs: 18,
      fileTimeBudgetMs: 19,
      pickleBudgets: { maxOpcodes: 20, maxMemo: 21, maxStackDepth: 22, maxNesting: 0, maxStreams: 24, maxResyncBytes: 0, maxRecords: 26 },
    });
  });

  it('keeps the defaults of the limits a config leaves out, and does not share them between calls', () => {
    const a = analyseOptionsFrom(load({ pickle: { maxMemo: 5 } }));
    expect(a.pickleBudgets).to.deep.equal({ ...DEFAULT_PICKLE_BUDGETS, maxMemo: 5 });
    expect(a.maxJsonBytes).to.equal(DEFAULT_LIMITS.maxJsonBytes);
    expect(DEFAULT_PICKLE_BUDGETS.maxMemo).to.equal(1_000_000);
    expect(analyseOptionsFrom({}).pickleBudgets.maxMemo).to.equal(1_000_000);
  });

  it('reads limits from YAML too', () => {
    const config = load('limits:\n  maxArchiveMembers: 3\n  pickle:\n    maxOpcodes: 1000\n', 'yaml');
    const options = analyseOptionsFrom(config);
    expect(options.maxArchiveMembers).to.equal(3);
    expect(options.pickleBudgets.maxOpcodes).to.equal(1000);
  });

  describe('rejects a bad value with a one-line error naming the key', () => {
    for (const spec of LIMITS) {
      const bad: Array<[string, unknown, RegExp]> = [
        ['below the range', spec.min - 1, new RegExp(`'limits\\.${spec.key.replace('.', '\\.')}' must be at least ${spec.min}$`)],
        ['above the range', spec.max + 1, new RegExp(`'limits\\.${spec.key.replace('.', '\\.')}' must be at most ${spec.max}$`)],
        ['a fraction', spec.min + 0.5, new RegExp(`'limits\\.${spec.key.replace('.', '\\.')}' must be a whole number$`)],
        ['a string', '64 MiB', new RegExp(`'limits\\.${spec.key.replace('.', '\\.')}' must be a whole number$`)],
      ];
      for (const [what, value, message] of bad) {
        it(`${spec.key}: ${what}`, () => {
          const err = loadError(limitsWith(spec.key, value));
          expect(err.message).to.match(message);
          expect(err.message).not.to.include('\n');
        });
      }
    }
  });

  it('rejects a negative limit and null', () => {
    expect(loadError({ maxArchiveMembers: -1 }).message).to.match(/'limits\.maxArchiveMembers' must be at least 1$/);
    expect(loadError({ maxArchiveMembers: null }).message).to.match(/'limits\.maxArchiveMembers' must be a whole number$/);
    expect(loadError(null).message).to.match(/'limits' must be object$/);
  });

  it('rejects unknown keys, naming them', () => {
    expect(loadError({ maxFileSize: 10 }).message).to.match(/'limits\.maxFileSize' is not a known setting$/);
    expect(loadError({ pickle: { maxOps: 10 } }).message).to.match(/'limits\.pickle\.maxOps' is not a known setting$/);
    // The old option names are not config keys: the config names what a user bounds.
    expect(loadError({ maxMemberBytes: 10 }).message).to.match(/'limits\.maxMemberBytes' is not a known setting$/);
  });

  it('does not let hostile keys reach the options', () => {
    const err = loadError(JSON.parse('{"__proto__": {"maxDepth": 0}}'));
    expect(err.message).to.match(/'limits\.__proto__' is not a known setting$/);
    expect(({} as Record<string, unknown>).maxDepth).to.equal(undefined);
    // A config built in code (not validated by the schema) cannot smuggle one in either.
    const options = analyseOptionsFrom({ limits: JSON.parse('{"__proto__": {"maxFileBytes": 1}, "pickle": {"__proto__": {"maxOpcodes": 1}}}') });
    expect(options.maxFileBytes).to.equal(DEFAULT_LIMITS.maxFileBytes);
    expect(options.pickleBudgets.maxOpcodes).to.equal(DEFAULT_PICKLE_BUDGETS.maxOpcodes);
  });

  it('checks values again when a config is built in code', () => {
    expect(() => analyseOptionsFrom({ limits: { maxArchiveMembers: 0 } })).to.throw(UsageError, /^invalid limit 'limits\.maxArchiveMembers': must be a whole number from 1 to 10000000, got 0$/);
    expect(() => analyseOptionsFrom({ limits: { pickle: { maxOpcodes: Number.NaN } } })).to.throw(UsageError, /'limits\.pickle\.maxOpcodes'/);
    expect(() => analyseOptionsFrom({ limits: { maxYamlBytes: '2' as unknown as number } })).to.throw(UsageError, /'limits\.maxYamlBytes'/);
  });

  it('the schema and the table of limits agree: same keys, ranges and defaults', () => {
    const limits = schema.properties.limits;
    const pickle = limits.properties.pickle;
    expect(limits.additionalProperties).to.equal(false);
    expect(pickle.additionalProperties).to.equal(false);
    const fromSchema = [
      ...Object.entries(limits.properties).filter(([k]) => k !== 'pickle').map(([k, v]) => [k, v] as const),
      ...Object.entries(pickle.properties).map(([k, v]) => [`pickle.${k}`, v] as const),
    ].map(([key, v]) => {
      const p = v as { type: string; minimum: number; maximum: number; default: number };
      return { key, type: p.type, min: p.minimum, max: p.maximum, default: p.default };
    });
    expect(fromSchema).to.have.deep.members(LIMITS.map((l) => ({ key: l.key, type: 'integer', min: l.min, max: l.max, default: l.default })));
    expect(fromSchema).to.have.length(LIMITS.length);
  });

  it('each limit sets the option the table names', () => {
    for (const spec of LIMITS) {
      const options = analyseOptionsFrom({ limits: limitsWith(spec.key, spec.min) as LimitsConfig });
      const [group, name] = spec.option.split('.');
      const value = name === undefined ? (options as unknown as Record<string, number>)[group!] : (options as unknown as Record<string, Record<string, number>>)[group!]![name];
      expect(value, spec.key).to.equal(spec.min);
      expect(value, spec.key).to.not.equal(spec.default);
    }
  });

  it('every limit in the table is a whole-number range that holds its default, with codes and rules', () => {
    for (const l of LIMITS) {
      expect(Number.isSafeInteger(l.min) && Number.isSafeInteger(l.max), l.key).to.equal(true);
      expect(l.default, l.key).to.be.within(l.min, l.max);
      expect(l.codes, l.key).to.not.be.empty;
      expect(l.rules, l.key).to.not.be.empty;
      expect(l.meaning, l.key).to.match(/\.$/);
    }
  });
});
