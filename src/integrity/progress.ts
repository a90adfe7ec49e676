import { SingleBar } from 'cli-progress';

export interface ProgressOptions {
  /** Bytes the work will hash in all. */
  totalBytes: number;
  /** What is being done, shown before the bar (`hashing`, `verifying`). */
  label: string;
  /** `--no-progress` clears it. */
  enabled?: boolean;
  stream?: NodeJS.WriteStream;
  env?: NodeJS.ProcessEnv;
}

export interface Progress {
  /** Adds hashed bytes. */
  add(bytes: number): void;
  /** Removes the bar (if one was drawn) and stops its timer. */
  stop(): void;
}

/** Past this much data the work is long before it starts; below it the bar waits for the clock. */
const LONG_BYTES = 256 * 1024 * 1024;
const LONG_MS = 1000;

const MB = 1024 * 1024;

const NOTHING: Progress = { add: () => undefined, stop: () => undefined };

/**
 * Only a person at a terminal wants a bar: never when stderr is a pipe or a file, in CI, or when
 * turned off. A short job draws nothing (the bar appears after a second, or at once for big work).
 * The bar is plain text, no colour, so NO_COLOR holds whatever the terminal.
 */
export function shouldShowProgress(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv, enabled = true): boolean {
  if (!enabled || stream.isTTY !== true) return false;
  if (env.CI !== undefined && env.CI !== '' && env.CI !== 'false' && env.CI !== '0') return false;
  return env.TERM !== 'dumb';
}

export function startProgress(options: ProgressOptions): Progress {
  const stream = options.stream ?? process.stderr;
  if (!shouldShowProgress(stream, options.env ?? process.env, options.enabled)) return NOTHING;
  let done = 0;
  let bar: SingleBar | undefined;
  let stopped = false;
  const draw = (): void => {
    if (stopped || bar) return;
    bar = new SingleBar({
      stream,
      format: `${options.label} [{bar}] {percentage}% | {doneMb}/{totalMb} MB | {speed} MB/s | ETA {eta_formatted}`,
      barCompleteChar: '#',
      barIncompleteChar: '-',
      clearOnComplete: true,
      hideCursor: false,
      fps: 5,
    });
    bar.start(options.totalBytes, done, payload(done, options.totalBytes, 0));
  };
  const started = Date.now();
  const payload = (value: number, total: number, ms: number) => ({
    doneMb: (value / MB).toFixed(0),
    totalMb: (total / MB).toFixed(0),
    speed: ms > 0 ? ((value / MB / ms) * 1000).toFixed(0) : '-',
  });
  const timer = options.totalBytes >= LONG_BYTES ? undefined : setTimeout(draw, LONG_MS);
  timer?.unref();
  if (!timer) draw();
  return {
    add(bytes) {
      done += bytes;
      bar?.update(done, payload(done, options.totalBytes, Date.now() - started));
    },
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      bar?.stop();
    },
  };
}
