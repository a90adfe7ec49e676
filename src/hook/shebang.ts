const SHELLS = new Set(['sh', 'bash', 'dash', 'zsh', 'ksh', 'ash', 'mksh', 'posh', 'yash']);

/**
 * The interpreter a hook's shebang names (`/usr/bin/env -S bash -e` → `bash`), or undefined
 * when there is no shebang: git then runs the file with /bin/sh.
 */
export function interpreterOf(text: string): string | undefined {
  if (!text.startsWith('#!')) return undefined;
  const first = text.slice(2, text.indexOf('\n') === -1 ? undefined : text.indexOf('\n')).replace(/\r$/, '').trim();
  const words = first.split(/[ \t]+/).filter((w) => w !== '');
  if (words.length === 0) return '';
  const base = (p: string): string => p.slice(p.lastIndexOf('/') + 1);
  if (base(words[0]) !== 'env') return base(words[0]);
  // env's own options come before the program: `-S`, `-i`, `-u NAME`, `NAME=value`.
  for (let i = 1; i < words.length; i++) {
    const w = words[i];
    if (w === '-u' || w === '--unset' || w === '-C' || w === '--chdir') i++;
    else if (w.startsWith('-') || w.includes('=')) continue;
    else return base(w);
  }
  return '';
}

/** A hook modelvet can add its sh block to: a known POSIX-compatible shell, or no shebang at all. */
export function isShellHook(text: string): boolean {
  const interpreter = interpreterOf(text);
  return interpreter === undefined || SHELLS.has(interpreter);
}
