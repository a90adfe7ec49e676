import type { Anomaly } from '../types.js';

/** An anomaly without empty optional fields, so reports stay small and schema-clean. */
export function anomaly(code: string, message: string, offset?: number, detail?: Record<string, unknown>): Anomaly {
  return { code, message, ...(offset !== undefined ? { offset } : {}), ...(detail ? { detail } : {}) };
}
