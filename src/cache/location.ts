import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';

export interface CacheDirInput {
  /** `--cache-dir`. */
  dir?: string;
  env?: NodeJS.ProcessEnv;
  home?: string;
  cwd?: string;
}

/**
 * `--cache-dir`, else `$MODELVET_CACHE_DIR`, else `$XDG_CACHE_HOME/modelvet`, else
 * `~/.cache/modelvet`. The XDG spec says a relative XDG_CACHE_HOME is invalid and must be ignored.
 */
export function resolveCacheDir(input: CacheDirInput = {}): string {
  const env = input.env ?? process.env;
  const cwd = input.cwd ?? process.cwd();
  if (input.dir) return resolve(cwd, input.dir);
  if (env.MODELVET_CACHE_DIR) return resolve(cwd, env.MODELVET_CACHE_DIR);
  const xdg = env.XDG_CACHE_HOME;
  if (xdg && isAbsolute(xdg)) return join(xdg, 'modelvet');
  return join(input.home ?? homedir(), '.cache', 'modelvet');
}
