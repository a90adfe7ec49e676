import { Chalk, type ChalkInstance } from 'chalk';
import type { Finding, Report, Severity } from '../types.js';
import { SEVERITIES } from '../types.js';

export interface TextOptions {
  /** Colour on or off; the caller decides from NO_COLOR and whether the output is a terminal. */
  color: boolean;
  /** Show info findings too (they are counted either way). */
  verbose?: boolean;
}

const paint = (c: ChalkInstance): Record<Severity, (s: string) => string> => ({
  critical: (s) => c.bgRed.white.bold(s),
  high: (s) => c.red.bold(s),
  medium: (s) => c.yellow(s),
  low: (s) => c.cyan(s),
  info: (s) => c.gray(s),
});

const outerPath = (path: string): string => path.split('!')[0];

/**
 * Names and messages come from hostile files (tensor names, archive members, template text): C0/C1
 * controls, DEL and bidirectional overrides are shown as escapes so nothing can drive the terminal
 * or reorder what the reader sees.
 */
export function terminalSafe(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (ch) => {
    const code = ch.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

function formatSize(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}

function where(f: Finding): string {
  const member = f.path.includes('!') ? f.path.slice(f.path.indexOf('!') + 1) : '';
  const loc = f.location;
  const line = loc?.line !== undefined ? `line ${loc.line}${loc.column !== undefined ? `:${loc.column}` : ''}` : '';
  const at = loc?.offset !== undefined ? `offset ${loc.offset}` : loc?.cell !== undefined ? `cell ${loc.cell}${line ? `, ${line}` : ''}` : line;
  return [member, at].filter(Boolean).join(', ');
}

/** Findings grouped by the file on disk they come from, worst first, then a summary line. */
export function formatText(report: Report, options: TextOptions): string {
  const c = new Chalk({ level: options.color ? 1 : 0 });
  const sev = paint(c);
  const shown = report.findings.filter((f) => options.verbose || f.severity !== 'info');
  const groups = new Map<string, Finding[]>();
  for (const f of shown) {
    const key = outerPath(f.path);
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  const artifacts = new Map(report.artifacts.map((a) => [a.path, a]));
  const lines: string[] = [];
  for (const [file, findings] of groups) {
    const art = artifacts.get(file);
    lines.push(c.underline(terminalSafe(file)) + (art ? c.dim(`  ${art.format}, ${formatSize(art.size)}`) : ''));
    findings.sort((a, b) => SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity));
    for (const f of findings) {
      const label = sev[f.severity](f.severity.toUpperCase().padEnd(8));
      const loc = terminalSafe(where(f));
      lines.push(`  ${label}  ${terminalSafe(f.message)}`);
      lines.push(`  ${' '.repeat(8)}  ${c.dim(f.ruleId)}${loc ? c.dim(`  ${loc}`) : ''}`);
    }
    lines.push('');
  }
  for (const e of report.errors) lines.push(c.red(terminalSafe(`error: ${e.path ? `${e.path}: ` : ''}${e.message}`)));
  const s = report.summary;
  const total = SEVERITIES.reduce((n, k) => n + s[k], 0);
  const counts = SEVERITIES.map((k) => (s[k] ? sev[k](`${s[k]} ${k}`) : c.dim(`0 ${k}`))).join(', ');
  const files = `${s.files} file${s.files === 1 ? '' : 's'} scanned`;
  const mark = s.critical + s.high > 0 ? c.red('✖') : total > 0 ? c.yellow('!') : c.green('✔');
  lines.push(`${mark} ${total} finding${total === 1 ? '' : 's'} (${counts}) in ${files}`);
  const hidden = report.findings.length - shown.length;
  if (hidden > 0) lines.push(c.dim(`  ${hidden} info finding${hidden === 1 ? '' : 's'} not shown (--verbose shows them)`));
  if (report.suppressed?.length) lines.push(c.dim(`  ${report.suppressed.length} suppressed by the config`));
  if (report.cache && report.cache.hits > 0) lines.push(c.dim(`  ${report.cache.hits} unchanged file${report.cache.hits === 1 ? '' : 's'} not analysed again (cached result)`));
  for (const repo of report.fetch?.repos ?? []) {
    const requests = repo.files.reduce((n, f) => n + f.requests, 0);
    lines.push(c.dim(terminalSafe(`  ${repo.repo} read at commit ${repo.commit}: ${formatSize(repo.bytes)} fetched in ${requests} request${requests === 1 ? '' : 's'}`)));
  }
  return `${lines.join('\n')}\n`;
}
