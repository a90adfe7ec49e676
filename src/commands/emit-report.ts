import type { Prepared } from '../engine/scan.js';
import { render, wantsColor, type OutputFormat } from '../report/index.js';
import { SEVERITIES, type Report, type Severity } from '../types.js';
import { writeOutput } from './output.js';

/** The reporting flags every checking command parses (see shared-flags.ts). */
export interface ReportFlagValues {
  format: string;
  output?: string;
  'fail-on': string;
  quiet: boolean;
  verbose: boolean;
}

/**
 * Renders a report as scan, verify and check all do: `--quiet` text shows only findings at or
 * above `--fail-on` (and nothing on success), `--output` writes atomically, and the exit code is
 * 1 when a finding reaches `--fail-on`.
 */
export function emitReport(report: Report, flags: ReportFlagValues, prepared: Prepared, cwd: string): void {
  const failOn = flags['fail-on'] as Severity | 'none';
  const threshold = failOn === 'none' ? -1 : SEVERITIES.indexOf(failOn);
  const failing = report.findings.some((f) => SEVERITIES.indexOf(f.severity) <= threshold);
  const format = flags.format as OutputFormat;
  const shown = flags.quiet && format === 'text' ? { ...report, findings: report.findings.filter((f) => SEVERITIES.indexOf(f.severity) <= threshold) } : report;
  const text = render(shown, { format, rules: prepared.registry.all(), cwd, color: flags.output === undefined && wantsColor(process.stdout), verbose: flags.verbose });
  if (flags.output) writeOutput(flags.output, text, cwd);
  else if (!(flags.quiet && format === 'text' && !failing)) process.stdout.write(text);
  process.exitCode = failing ? 1 : 0;
}
