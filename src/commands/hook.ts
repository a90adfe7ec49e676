import { Command, Flags } from '@oclif/core';
import { installHook, uninstallHook } from '../hook/install.js';

export default class HookInstall extends Command {
  static override summary = 'Install (or remove) a git pre-commit hook that runs modelvet scan --staged.';
  static override description =
    "Writes a block between '# >>> modelvet >>>' and '# <<< modelvet <<<' into the repository's pre-commit hook (where `git rev-parse --git-path hooks` says: core.hooksPath and worktrees are honoured). An existing shell hook keeps its content; a hook in another language is refused unless --force, which moves it to pre-commit.modelvet-orig and calls it first. The hook runs the repository's own node_modules/.bin/modelvet, else modelvet from PATH, and blocks the commit when neither is found. With the pre-commit framework, use modelvet's .pre-commit-hooks.yaml instead.";
  static override examples = ['<%= config.bin %> hook install', '<%= config.bin %> hook install --uninstall', '<%= config.bin %> hook install --force'];
  static override flags = {
    uninstall: Flags.boolean({ description: 'remove the modelvet block (and put back a hook --force moved aside)', default: false }),
    force: Flags.boolean({ description: 'chain an existing hook that is not a shell script instead of refusing', default: false }),
    debug: Flags.boolean({ description: 'print stack traces of internal errors', default: false }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(HookInstall);
    const options = { cwd: process.cwd(), force: flags.force };
    const result = flags.uninstall ? await uninstallHook(options) : await installHook(options);
    for (const line of result.messages) this.log(line);
  }
}
