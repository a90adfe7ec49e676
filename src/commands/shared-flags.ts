import { Flags } from '@oclif/core';
import { FORMATS } from '../report/index.js';

/** Flags every reporting command shares. */
export const reportFlags = {
  format: Flags.string({ char: 'f', description: 'output format', options: [...FORMATS], default: 'text' }),
  output: Flags.string({ char: 'o', description: 'write the report to FILE instead of stdout' }),
  'fail-on': Flags.string({
    description: 'exit 1 when a finding is at or above this severity',
    options: ['critical', 'high', 'medium', 'low', 'info', 'none'],
    default: 'high',
  }),
  config: Flags.string({ char: 'c', description: 'use this config file (no discovery)' }),
  rule: Flags.string({ description: 'set a rule\'s severity or turn it off: ID=SEVERITY|off (repeatable)', multiple: true }),
  quiet: Flags.boolean({ char: 'q', description: 'text output: only findings at or above --fail-on, no progress', default: false }),
  verbose: Flags.boolean({ description: 'text output: also show info findings', default: false }),
  debug: Flags.boolean({ description: 'print stack traces of internal errors', default: false }),
};
