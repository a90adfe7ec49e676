import { anomalyRule } from '../anomaly-rule.js';

export default anomalyRule(
  {
    id: 'engine/time-budget',
    description: "A file's analysis passed the per-file time budget and was stopped, so it was not fully analysed.",
    severity: 'high',
    category: 'engine',
    appliesTo: ['unknown'],
    docs: {
      description:
        'Each file is analysed in a worker thread with a time budget (limits.fileTimeBudgetMs, 60 s by default). Hostile bytes can make a parser loop (a corrupted HDF5 file sends libhdf5 in circles) or crawl; past the budget the thread is stopped and the file is reported as unchecked (fail closed), while the scan goes on with the other files.',
      example: 'weights.h5: not fully analysed: the analysis passed the 60 s time budget and was stopped',
      fix: 'Treat the file as unchecked: do not load it until it is understood. If it is a large but ordinary file on a slow machine, raise limits.fileTimeBudgetMs in the modelvet config and scan again.',
    },
  },
  (a) => a.code === 'engine/time-budget',
);
