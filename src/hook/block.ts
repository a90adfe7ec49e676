/**
 * The modelvet block of a git pre-commit hook: marker comments around a POSIX sh fragment, so
 * install can update it in place and uninstall can take exactly it out of a hook that also runs
 * other things.
 */
export const BEGIN_MARKER = '# >>> modelvet >>>';
export const END_MARKER = '# <<< modelvet <<<';
/** Where `--force` moves a hook that is not a shell script, so the new shell hook can call it. */
export const CHAINED_SUFFIX = '.modelvet-orig';

export interface BlockOptions {
  /** Call the hook moved aside by `--force` first (only when it exists and is executable, as git would). */
  chained: boolean;
}

/**
 * Which modelvet runs is decided when the hook runs, not when it is installed, so installing
 * modelvet later (or removing it) needs no reinstall: the repository's own dependency
 * (`node_modules/.bin/modelvet` at the work-tree top, what `npx --no-install modelvet` would
 * find, without npx's start-up cost), else `modelvet` on PATH. Neither found: the commit is
 * blocked with a message, never let through unchecked.
 */
export function modelvetBlock(options: BlockOptions, eol = '\n'): string {
  const lines = [
    BEGIN_MARKER,
    '# Added by `modelvet hook install`; remove with `modelvet hook install --uninstall`.',
    '# Blocks the commit when the staged files have findings at or above high (bypass once: git commit --no-verify).',
    ...(options.chained
      ? [
          `modelvet_orig="$(dirname -- "$0")/$(basename -- "$0")${CHAINED_SUFFIX}"`,
          'if [ -x "$modelvet_orig" ]; then "$modelvet_orig" "$@" || exit $?; fi',
        ]
      : []),
    'if modelvet_top=$(git rev-parse --show-toplevel 2>/dev/null) && [ -x "$modelvet_top/node_modules/.bin/modelvet" ]; then',
    '  modelvet_bin="$modelvet_top/node_modules/.bin/modelvet"',
    'elif command -v modelvet >/dev/null 2>&1; then',
    '  modelvet_bin=modelvet',
    'else',
    '  echo "modelvet pre-commit hook: modelvet not found (neither node_modules/.bin/modelvet nor on PATH), so the commit is blocked; install it (npm install --save-dev modelvet) or remove the hook (modelvet hook install --uninstall)" >&2',
    '  exit 1',
    'fi',
    '"$modelvet_bin" scan --staged --quiet || exit $?',
    END_MARKER,
  ];
  return lines.join(eol) + eol;
}

export interface BlockSpan {
  /** Index of the first character of the begin marker's line. */
  start: number;
  /** Index just past the end marker's line (its line break included). */
  end: number;
}

/** Lines with their start offsets; a line's text excludes its `\n` (and a `\r` before it). */
function lines(text: string): Array<{ text: string; start: number; next: number }> {
  const out: Array<{ text: string; start: number; next: number }> = [];
  let start = 0;
  while (start < text.length) {
    const nl = text.indexOf('\n', start);
    const stop = nl === -1 ? text.length : nl;
    const next = nl === -1 ? text.length : nl + 1;
    out.push({ text: text.slice(start, stop).replace(/\r$/, ''), start, next });
    start = next;
  }
  return out;
}

/** The modelvet blocks in a hook; `unbalanced` when a marker has no partner (then nothing is touched). */
export function findBlocks(text: string): { spans: BlockSpan[]; unbalanced: boolean } {
  const spans: BlockSpan[] = [];
  let open: number | undefined;
  for (const line of lines(text)) {
    const t = line.text.trim();
    if (t === BEGIN_MARKER) {
      if (open !== undefined) return { spans, unbalanced: true };
      open = line.start;
    } else if (t === END_MARKER) {
      if (open === undefined) return { spans, unbalanced: true };
      spans.push({ start: open, end: line.next });
      open = undefined;
    }
  }
  return { spans, unbalanced: open !== undefined };
}

/** The text with every block taken out. */
export function withoutBlocks(text: string, spans: readonly BlockSpan[]): string {
  let out = '';
  let at = 0;
  for (const s of spans) {
    out += text.slice(at, s.start);
    at = s.end;
  }
  return out + text.slice(at);
}

/** The line break the file uses (CRLF files stay CRLF). */
export const eolOf = (text: string): string => (/\r\n/.test(text.slice(0, text.indexOf('\n') + 1)) ? '\r\n' : '\n');

/**
 * The block placed right after the shebang (or first in a file without one): an existing hook
 * often ends in `exec …` or `exit 0`, after which an appended block would never run.
 */
export function insertBlock(text: string, block: string): string {
  if (text.startsWith('#!')) {
    const nl = text.indexOf('\n');
    if (nl === -1) return `${text}${eolOf(block)}${block}`;
    return text.slice(0, nl + 1) + block + text.slice(nl + 1);
  }
  return block + text;
}

/** Only a shebang and blank lines (or comments of ours) left: the hook does nothing any more. */
export function isEffectivelyEmpty(text: string): boolean {
  return lines(text).every((l, i) => l.text.trim() === '' || (i === 0 && l.text.startsWith('#!')));
}
