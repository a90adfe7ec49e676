// Starts a TypeScript entry (the oracle host in a child process, the oracle in its worker thread).
// Worker threads do not inherit tsx's module hooks from the parent (Node 20 loads a worker's
// entry before --import hooks apply to it), and the child is started without them, so tsx is
// registered here. Built JavaScript entries load the same way.
import { workerData } from 'node:worker_threads';

const entry = workerData?.entry ?? process.argv[2];
if (entry.endsWith('.ts')) {
  const { register } = await import('tsx/esm/api');
  register();
}
await import(entry);
