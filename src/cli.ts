import { flush, run, settings } from '@oclif/core';

/** oclif errors carry the exit code they want under `oclif.exit`. */
interface OclifError extends Error {
  oclif?: { exit?: number };
  code?: string;
}

/**
 * Runs the CLI. Every error becomes one line on stderr and exit code 2 (ESLint's convention);
 * `--debug` adds the stack. Findings set exit code 1 inside the commands, never through a throw.
 */
export async function main(argv: string[], root: string, development: boolean): Promise<void> {
  const debug = argv.includes('--debug');
  if (development) process.env.NODE_ENV ??= 'development';
  settings.debug = false;
  try {
    await run(argv, root);
    await flush();
  } catch (err) {
    const e = err as OclifError;
    const exit = e.oclif?.exit;
    if (exit === 0) return; // --help / --version finish by throwing an ExitError(0)
    const first = String(e.message ?? e).split('\n').find((line) => line.trim() !== '') ?? 'unknown error';
    process.stderr.write(`modelvet: ${first.replace(/^Error:\s*/, '')}\n`);
    if (debug && e.stack) process.stderr.write(`${e.stack}\n`);
    process.exitCode = 2;
  }
}
