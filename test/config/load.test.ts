import { expect } from 'chai';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findConfigFile, loadConfig, parseRuleFlags } from '../../src/config/load.js';
import { UsageError } from '../../src/util/errors.js';

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'modelvet-config-'));
}

describe('config discovery and validation', () => {
  it('finds the nearest config upward from the working directory', () => {
    const root = tmp();
    writeFileSync(join(root, 'modelvet.config.yaml'), 'rules:\n  pickle/prefer-safetensors: off\n');
    const deep = join(root, 'a', 'b');
    mkdirSync(deep, { recursive: true });
    expect(findConfigFile(deep)).to.equal(join(root, 'modelvet.config.yaml'));
    const config = loadConfig({ cwd: deep });
    expect(config.rules['pickle/prefer-safetensors']).to.equal('off');
    expect(config.baseDir).to.equal(root);
  });

  it('prefers a closer .modelvetrc.json over a farther modelvet.config.json', () => {
    const root = tmp();
    writeFileSync(join(root, 'modelvet.config.json'), JSON.stringify({ rules: { 'pickle/unknown-global': 'low' } }));
    mkdirSync(join(root, 'sub'));
    writeFileSync(join(root, 'sub', '.modelvetrc.json'), JSON.stringify({ rules: { 'pickle/unknown-global': 'medium' } }));
    expect(loadConfig({ cwd: join(root, 'sub') }).rules['pickle/unknown-global']).to.equal('medium');
  });

  it('reads a bare .modelvetrc as YAML or JSON', () => {
    const yamlDir = tmp();
    writeFileSync(join(yamlDir, '.modelvetrc'), 'trustedPublishers: [google, meta-llama]\n');
    expect(loadConfig({ cwd: yamlDir }).trustedPublishers).to.deep.equal(['google', 'meta-llama']);
    const jsonDir = tmp();
    writeFileSync(join(jsonDir, '.modelvetrc'), '{"ignore": ["data/**"]}');
    expect(loadConfig({ cwd: jsonDir }).ignore).to.deep.equal(['data/**']);
  });

  it('names the offending key of an invalid config', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'modelvet.config.json'), JSON.stringify({ rules: { 'pickle/unknown-global': 'loud' } }));
    expect(() => loadConfig({ cwd: dir })).to.throw(UsageError, /'rules\.pickle\/unknown-global' must be one of critical, high, medium, low, info, off/);
  });

  it('names an unknown top-level setting', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'modelvet.config.yaml'), 'rulez: {}\n');
    expect(() => loadConfig({ cwd: dir })).to.throw(UsageError, /'rulez' is not a known setting/);
  });

  it('requires a reason on every suppression and a date format on until', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'modelvet.config.yaml'), 'suppressions:\n  - rule: pickle/unknown-global\n');
    expect(() => loadConfig({ cwd: dir })).to.throw(UsageError, /'suppressions\[0\]\.reason' is required/);
    writeFileSync(join(dir, 'modelvet.config.yaml'), 'suppressions:\n  - rule: pickle/unknown-global\n    reason: vetted\n    until: next week\n');
    expect(() => loadConfig({ cwd: dir })).to.throw(UsageError, /'suppressions\[0\]\.until'/);
  });

  it('rejects malformed YAML and duplicate keys with the file named', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'modelvet.config.yaml'), 'rules:\n  a/b: off\n  a/b: high\n');
    expect(() => loadConfig({ cwd: dir })).to.throw(UsageError, /invalid configuration .*modelvet\.config\.yaml/);
  });

  it('uses --config without discovery and fails clearly when it is missing', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'custom.yaml'), 'pickle:\n  allowGlobals: [mypkg.layers.Custom, mypkg.blocks.*]\n');
    expect(loadConfig({ cwd: dir, configFile: 'custom.yaml' }).allowGlobals).to.deep.equal(['mypkg.layers.Custom', 'mypkg.blocks.*']);
    expect(() => loadConfig({ cwd: dir, configFile: 'nope.yaml' })).to.throw(UsageError, /configuration file not found: nope\.yaml/);
  });

  it('applies --rule flags over the file', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'modelvet.config.json'), JSON.stringify({ rules: { 'pickle/unknown-global': 'low', 'pickle/malformed': 'medium' } }));
    const config = loadConfig({ cwd: dir, ruleOverrides: parseRuleFlags(['pickle/unknown-global=off']) });
    expect(config.rules).to.deep.equal({ 'pickle/unknown-global': 'off', 'pickle/malformed': 'medium' });
  });

  it('rejects malformed --rule flags', () => {
    expect(() => parseRuleFlags(['pickle/unknown-global'])).to.throw(UsageError, /ID=critical\|high/);
    expect(() => parseRuleFlags(['pickle/unknown-global=loud'])).to.throw(UsageError);
    expect(() => parseRuleFlags(['nocategory=off'])).to.throw(UsageError);
  });
});
