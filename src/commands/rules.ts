import { Args, Command, Flags } from '@oclif/core';
import { prepare } from '../engine/scan.js';
import { UsageError } from '../util/errors.js';
import { describeRule, listRules } from '../report/rules-text.js';

export default class Rules extends Command {
  static override summary = 'List every rule, or explain one.';
  static override examples = ['<%= config.bin %> rules', '<%= config.bin %> rules pickle/dangerous-global', '<%= config.bin %> rules --json'];
  static override args = { id: Args.string({ description: 'a rule id (category/name)' }) };
  static override flags = {
    config: Flags.string({ char: 'c', description: 'use this config file (its plug-ins and severities)' }),
    json: Flags.boolean({ description: 'print rule metadata as JSON', default: false }),
    debug: Flags.boolean({ description: 'print stack traces of internal errors', default: false }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Rules);
    const { registry, config } = await prepare({ cwd: process.cwd(), configFile: flags.config });
    if (args.id) {
      const rule = registry.get(args.id);
      if (!rule) throw new UsageError(`unknown rule '${args.id}' (see: modelvet rules)`);
      process.stdout.write(flags.json ? `${JSON.stringify({ ...rule.meta, source: rule.source }, null, 2)}\n` : describeRule(rule, config.rules[rule.meta.id]));
      return;
    }
    const rules = registry.all();
    process.stdout.write(flags.json ? `${JSON.stringify(rules.map((r) => ({ ...r.meta, source: r.source })), null, 2)}\n` : listRules(rules, config.rules));
  }
}
