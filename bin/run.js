#!/usr/bin/env node
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('modelvet: not built yet (run `npm run build`, or `npm ci` which builds it)\n');
  process.exit(2);
}
const { main } = await import(entry.href);
await main(process.argv.slice(2), import.meta.url, false);
