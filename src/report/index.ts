import type { Report } from '../types.js';
import type { Rule } from '../rules/types.js';
import { formatJson } from './json.js';
import { repoUriMapper } from './repo-uri.js';
import { formatSarif } from './sarif.js';
import { formatText } from './text.js';

export const FORMATS = ['text', 'json', 'sarif'] as const;
export type OutputFormat = (typeof FORMATS)[number];

export interface RenderOptions {
  format: OutputFormat;
  rules: readonly Rule[];
  cwd: string;
  color: boolean;
  verbose?: boolean;
}

/** The Hub a `check` path was read from (its repo's entry in the fetch summary). */
function hubEndpointOf(report: Report): (path: string) => string {
  const repos = report.fetch?.repos ?? [];
  return (path) => repos.find((r) => path.startsWith(`${r.repo.replace(/@.*$/, '')}@${r.commit}`))?.endpoint ?? 'https://huggingface.co';
}

export function render(report: Report, options: RenderOptions): string {
  switch (options.format) {
    case 'json':
      return formatJson(report);
    case 'sarif':
      return formatSarif(report, { rules: options.rules, toRepoUri: repoUriMapper(options.cwd, hubEndpointOf(report)) });
    default:
      return formatText(report, { color: options.color, verbose: options.verbose });
  }
}

/** Colour only for a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function wantsColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true;
}
