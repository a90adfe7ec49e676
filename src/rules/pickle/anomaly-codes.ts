/** Pickle anomaly codes that have a rule of their own; every other pickle anomaly is `pickle/malformed`. */
export const BUDGET_CODES = new Set(['pickle/budget-exceeded', 'pickle/records-truncated']);
export const GLOBAL_MUTATION_CODES = new Set(['pickle/build-on-global', 'pickle/mutates-global']);
