#!/usr/bin/env node
// Runs the TypeScript sources directly (tests, development): no build step needed.
import { register } from 'tsx/esm/api';

register();
process.env.MODELVET_SOURCES = '1';
const { main } = await import('../src/cli.ts');
await main(process.argv.slice(2), import.meta.url, true);
