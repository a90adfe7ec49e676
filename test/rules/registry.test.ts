import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scan } from '../../src/engine/scan.js';
import { BUILTIN_RULES } from '../../src/rules/builtin.js';
import { RuleRegistry, loadPlugins } from '../../src/rules/registry.js';
import { UsageError } from '../../src/util/errors.js';

const project = fileURLToPath(new URL('../fixtures/plugin-project/', import.meta.url));

describe('rule registry and plug-ins', () => {
  it('registers every built-in rule with complete metadata', () => {
    const registry = new RuleRegistry();
    expect(registry.all()).to.have.length(BUILTIN_RULES.length);
    for (const rule of registry.all()) {
      expect(rule.meta.docs.example, rule.meta.id).to.be.a('string').and.not.empty;
      expect(rule.meta.docs.fix, rule.meta.id).to.be.a('string').and.not.empty;
    }
  });

  it('loads a plug-in package named in the config, and its rule reports like a built-in one', async () => {
    const report = await scan({ cwd: project, paths: ['models'] });
    const finding = report.findings.find((f) => f.ruleId === 'example/unrecognized-in-models');
    expect(finding, JSON.stringify(report.findings)).to.exist;
    expect(finding!.severity).to.equal('medium');
    expect(finding!.path).to.equal('models/notes.txt');
    // The config turned the built-in rule off; the plug-in's stays on.
    expect(report.findings.some((f) => f.ruleId === 'format/unrecognized')).to.equal(false);
  });

  it('lets the config change a plug-in rule severity like any other', async () => {
    const report = await scan({ cwd: project, paths: ['models'], ruleOverrides: { 'example/unrecognized-in-models': 'low' } });
    expect(report.findings.find((f) => f.ruleId === 'example/unrecognized-in-models')!.severity).to.equal('low');
  });

  it('refuses a plug-in rule that redefines a built-in id', () => {
    const registry = new RuleRegistry();
    const clash = { ...BUILTIN_RULES[0] };
    expect(() => registry.add(clash, "plugin 'x'")).to.throw(UsageError, /already defined by modelvet/);
  });

  it('refuses malformed rule modules with a reason', () => {
    const registry = new RuleRegistry([]);
    expect(() => registry.add({ meta: { id: 'Bad Id' }, check() {} }, "plugin 'x'")).to.throw(UsageError, /meta\.id must be category\/name/);
    expect(() => registry.add({ meta: BUILTIN_RULES[0].meta }, "plugin 'x'")).to.throw(UsageError, /missing check/);
  });

  it('fails with exit-2 errors for a missing plug-in or one without rules', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'modelvet-plugin-'));
    await loadPlugins(new RuleRegistry([]), [], dir);
    let err: unknown;
    try {
      await loadPlugins(new RuleRegistry([]), ['modelvet-plugin-missing'], dir);
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(UsageError);
    expect((err as Error).message).to.match(/plugin 'modelvet-plugin-missing' not found/);
    writeFileSync(join(dir, 'empty.js'), 'export const rules = [];\n');
    err = undefined;
    try {
      await loadPlugins(new RuleRegistry([]), ['./empty.js'], dir);
    } catch (e) {
      err = e;
    }
    expect((err as Error).message).to.match(/exports no rules/);
  });

  it('rejects an unknown rule id in the config', async () => {
    let err: unknown;
    try {
      await scan({ cwd: project, paths: ['models'], ruleOverrides: { 'pickle/no-such-rule': 'off' } });
    } catch (e) {
      err = e;
    }
    expect((err as Error).message).to.match(/unknown rule 'pickle\/no-such-rule'/);
  });
});
