/**
 * An analysis thread of the scan (started by worker-pool.ts): for each file it is sent, it reads
 * the file, runs the parsers and the rules, and posts back the findings with the file's format
 * and size. It holds one file at a time; a file it hangs on or runs out of memory on ends the
 * thread, and the pool reports that file.
 */
import { fileByteBudget } from './limits.js';
import { basename } from 'node:path';
import { parentPort } from 'node:worker_threads';
import type { StagedFile } from '../git/staged.js';
import type { IntegrityStatus } from '../integrity/types.js';
import { loadPlugins, RuleRegistry } from '../rules/registry.js';
import { fileReader } from '../sources/readers.js';
import { stagedSiblings } from '../sources/staged-siblings.js';
import type { Artifact, Finding } from '../types.js';
import { analyseReader, type AnalyseWhere } from './analyse.js';
import type { AnalyseOptions } from './format-handler.js';
import { ruleRunOptions, runRules, type RunRulesOptions } from './run-rules.js';
import { type FileOutcome, type FromWorker, type SessionSetup, type TestHooks, type ToWorker, type WorkerJob } from './worker-pool.js';

interface Session {
  runOptions: RunRulesOptions;
  analyseOptions: AnalyseOptions;
  staged?: { top: string; byPath: ReadonlyMap<string, StagedFile> };
  testHooks?: TestHooks;
}

const port = parentPort!;
const sessions = new Map<number, Promise<Session>>();
const waiting = new Map<number, { resolve(status: IntegrityStatus | undefined): void; reject(err: Error): void }>();

/** The rules the main thread has: the built-ins and the configuration's plug-ins (which it loaded already, so they load here). */
async function openSession(setup: SessionSetup): Promise<Session> {
  const registry = new RuleRegistry();
  await loadPlugins(registry, setup.config.plugins, setup.config.baseDir);
  return {
    runOptions: ruleRunOptions(setup.config, registry.all()),
    analyseOptions: setup.analyseOptions,
    ...(setup.staged ? { staged: { top: setup.staged.top, byPath: new Map(setup.staged.files.map((f) => [f.path, f])) } } : {}),
    ...(setup.testHooks ? { testHooks: setup.testHooks } : {}),
  };
}

function post(msg: FromWorker): void {
  port.postMessage(msg);
}

function askIntegrity(id: number): Promise<IntegrityStatus | undefined> {
  return new Promise((resolve, reject) => {
    waiting.set(id, { resolve, reject });
    post({ type: 'ask', id });
  });
}

function actOnTestHooks(hooks: TestHooks | undefined, job: WorkerJob): void {
  if (!hooks) return;
  const name = basename(job.displayPath);
  // A synchronous loop: only stopping the thread ends it, as with a parser stuck on hostile bytes.
  if (hooks.hang === name) for (;;);
  if (hooks.crash === name) process.exit(70);
  if (hooks.oom === name) {
    const hog: number[][] = [];
    for (;;) hog.push(new Array<number>(1 << 20).fill(hog.length + 0.5));
  }
}

/** The in-thread scan's steps for one file (src/engine/scan.ts), with the integrity status supplied by the main thread. */
async function analyse(session: Session, job: WorkerJob): Promise<FileOutcome> {
  let root: Artifact;
  try {
    actOnTestHooks(session.testHooks, job);
    const reader = await fileReader(job.absPath);
    try {
      const where: AnalyseWhere =
        session.staged && job.stagedPath !== undefined ? { siblings: stagedSiblings(session.staged.top, session.staged.byPath, job.stagedPath) } : { file: { absolutePath: job.absPath } };
      const budget = fileByteBudget(reader, session.analyseOptions);
      root = budget.finish(await analyseReader(budget.reader, job.displayPath, 0, session.analyseOptions, where));
    } finally {
      await reader.close();
    }
    const status = job.integrity === 'ask' ? await askIntegrity(job.id) : job.integrity?.status;
    if (status) root.integrity = status;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException)?.code;
    return { kind: 'failed', ...(typeof code === 'string' ? { code } : {}), message: (err as Error)?.message ?? String(err) };
  }
  return { kind: 'analysed', format: root.format, size: root.size, findings: runRules(root, session.runOptions) };
}

/** Evidence a plug-in rule filled with something that cannot cross threads (a function, a class instance) goes as its JSON form, as the report would print it. */
function postDone(id: number, outcome: FileOutcome): void {
  try {
    post({ type: 'done', id, outcome });
  } catch {
    const findings = (outcome as { findings: Finding[] }).findings;
    const plain = JSON.parse(JSON.stringify(findings, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value))) as Finding[];
    post({ type: 'done', id, outcome: { ...outcome, findings: plain } as FileOutcome });
  }
}

async function runBatch(sessionId: number, jobs: WorkerJob[]): Promise<void> {
  let session: Session | undefined;
  let setupError: string | undefined;
  try {
    session = await sessions.get(sessionId);
    if (!session) setupError = 'the scan it belongs to has ended';
  } catch (err) {
    setupError = `the rules could not be loaded in the analysis thread: ${(err as Error).message}`;
  }
  for (const job of jobs) {
    post({ type: 'started', id: job.id });
    postDone(job.id, session ? await analyse(session, job) : { kind: 'failed', message: setupError! });
  }
}

port.on('message', (msg: ToWorker) => {
  switch (msg.type) {
    case 'session': {
      const opening = openSession(msg.setup);
      opening.catch(() => undefined); // reported per file by runBatch
      sessions.set(msg.session, opening);
      return;
    }
    case 'end':
      sessions.delete(msg.session);
      return;
    case 'batch':
      void runBatch(msg.session, msg.jobs);
      return;
    case 'integrity': {
      const pending = waiting.get(msg.id);
      waiting.delete(msg.id);
      if (msg.error !== undefined) pending?.reject(new Error(msg.error));
      else pending?.resolve(msg.status);
      return;
    }
  }
});
