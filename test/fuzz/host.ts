/**
 * The oracle's host: a child process that runs the oracle worker thread (with its heap cap) and
 * relays messages. Some failures are fatal to the whole process, not just the worker (V8 aborts
 * with "RegExpCompiler Allocation failed - process out of memory" when deep recursion meets a
 * regular expression's tier-up): in a child they end the child, and the fuzzer lives to record them.
 */
import { Worker } from 'node:worker_threads';
import type { OracleConfig, OracleRequest } from './oracle-worker.js';

const config = JSON.parse(process.argv[3]!) as OracleConfig;
const send = (message: unknown) => process.send!(message);

const worker = new Worker(new URL('./worker-boot.mjs', import.meta.url), {
  workerData: config,
  resourceLimits: { maxOldGenerationSizeMb: config.memoryMb },
  execArgv: [],
});
worker.on('message', send);
worker.on('error', (err: Error & { code?: string }) => {
  send({ type: 'worker-error', code: err.code, name: err.name, message: err.message, stack: err.stack });
  process.exitCode = 3;
});
worker.on('exit', (code) => process.exit(process.exitCode ?? code ?? 1));
process.on('message', (req: OracleRequest) => worker.postMessage(req, [req.bytes.buffer as ArrayBuffer]));
// The parent went away (a killed fuzz run): nothing is left to report to.
process.on('disconnect', () => process.exit(0));
