// `prepare` builds dist/. npm runs it after installing dependencies, except in one case that
// matters here: `npm install -g <git url>` (what the pre-commit framework runs for
// `language: node`) prepares the clone without installing its dependencies there
// (npm/cli#8440: the nested install inherits --global). Then install them locally first.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const cwd = process.cwd();
const npm = process.env.npm_execpath ? [process.execPath, process.env.npm_execpath] : ['npm'];
const run = (cmd, args) => execFileSync(cmd, args, { cwd, stdio: 'inherit' });

if (!existsSync('node_modules/typescript/bin/tsc')) {
  run(npm[0], [...npm.slice(1), 'install', '--global=false', '--prefix', cwd, '--include=dev', '--ignore-scripts', '--no-save', '--no-audit', '--no-fund']);
}
run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json']);
