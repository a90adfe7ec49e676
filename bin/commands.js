// oclif's explicit command table. bin/dev.js sets MODELVET_SOURCES so that development runs
// (and the tests) use the TypeScript sources; everything else uses the build in dist/.
const entry = process.env.MODELVET_SOURCES === '1' ? '../src/commands/index.ts' : '../dist/commands/index.js';
export const { commands } = await import(entry);
