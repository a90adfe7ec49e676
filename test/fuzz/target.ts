/** What the oracle worker runs on each input: a module with `run` (and optionally `setup`). */
export interface TargetResult {
  format: string;
  findings: Array<{ ruleId: string; message: string }>;
}

export interface TargetModule {
  setup?(options: { innerTimeoutMs: number }): void | Promise<void>;
  run(bytes: Uint8Array, name: string): Promise<TargetResult>;
}
