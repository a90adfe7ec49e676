import { Worker } from 'node:worker_threads';
import type { SourceRegex } from './regex-corpus.js';
import { REGEX_WORKER_SOURCE, type RegexWorkerMessage } from './regex-worker.js';

export interface RegexVerdict {
  regex: SourceRegex;
  /** `catastrophic`: one input ran past the time cap and the worker was terminated. */
  outcome: 'ok' | 'catastrophic' | 'invalid';
  /** The input that ran past the cap, or the slowest one. */
  input: string;
  slowestMs: number;
  inputs: number;
}

export interface RunOptions {
  /** Most milliseconds one input may take before the regex counts as catastrophic. */
  capMs: number;
  /** Characters per input. */
  length: number;
}

/**
 * Runs each regex in a worker thread; the time cap applies to each input separately (the worker
 * says which input it starts), and a worker past it is terminated and replaced. The cap is a
 * limit, not a speed assertion: a linear match over the inputs takes milliseconds.
 */
export async function runRegexes(regexes: readonly SourceRegex[], options: RunOptions): Promise<RegexVerdict[]> {
  const verdicts: RegexVerdict[] = [];
  let worker = new Worker(REGEX_WORKER_SOURCE, { eval: true });
  try {
    for (const [id, regex] of regexes.entries()) {
      const verdict = await new Promise<RegexVerdict>((resolve, reject) => {
        let current = '';
        let timer: NodeJS.Timeout | undefined;
        const arm = (): void => {
          clearTimeout(timer);
          timer = setTimeout(() => {
            cleanup();
            void worker.terminate();
            worker = new Worker(REGEX_WORKER_SOURCE, { eval: true });
            resolve({ regex, outcome: 'catastrophic', input: current, slowestMs: options.capMs, inputs: 0 });
          }, options.capMs);
        };
        const onMessage = (m: RegexWorkerMessage): void => {
          if (m.id !== id) return;
          if (m.kind === 'start') {
            current = m.input;
            arm();
            return;
          }
          cleanup();
          if (m.kind === 'invalid') resolve({ regex, outcome: 'invalid', input: m.error, slowestMs: 0, inputs: 0 });
          else resolve({ regex, outcome: 'ok', input: m.slowest, slowestMs: m.slowestMs, inputs: m.inputs });
        };
        const onError = (err: Error): void => {
          cleanup();
          reject(err);
        };
        const cleanup = (): void => {
          clearTimeout(timer);
          worker.off('message', onMessage);
          worker.off('error', onError);
        };
        worker.on('message', onMessage);
        worker.on('error', onError);
        arm();
        worker.postMessage({ id, source: regex.source, flags: regex.flags, length: options.length, ...(regex.check ? { check: regex.check } : {}) });
      });
      verdicts.push(verdict);
    }
  } finally {
    await worker.terminate();
  }
  return verdicts;
}
