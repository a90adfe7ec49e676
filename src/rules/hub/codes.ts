/** Anomaly codes of `modelvet check`'s repository reading, namespaced `hub/`. */
export const HUB_CODES = {
  /** The per-file fetch cap stopped the reading of a remote file: later bytes were not analysed. */
  notFullyAnalysed: 'hub/not-fully-analysed',
} as const;

export type HubCode = (typeof HUB_CODES)[keyof typeof HUB_CODES];
