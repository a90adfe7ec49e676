/**
 * Records what this thread does to files under a folder: every open with its flags, and every
 * call that could change a file or folder (write, rename, unlink, chmod, utimes, mkdir, …).
 * `node:fs` and `node:fs/promises` are patched on their CommonJS objects and
 * `syncBuiltinESMExports()` carries the patch to the ES module bindings modelvet imports.
 * Worker threads (the hash pool, parallel scan workers) have their own modules and are not seen:
 * run what is audited in this thread.
 */
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { resolve, sep } from 'node:path';

export interface FsCall {
  fn: string;
  path: string;
  flags?: string | number;
}

/** Functions whose every path argument may be changed by the call. */
const MUTATORS = [
  'writeFile', 'appendFile', 'rename', 'unlink', 'rm', 'rmdir', 'mkdir', 'chmod', 'lchmod', 'chown', 'lchown', 'utimes', 'lutimes',
  'truncate', 'copyFile', 'cp', 'symlink', 'link', 'mkdtemp', 'createWriteStream',
] as const;

const O_WRITE = fs.constants.O_WRONLY | fs.constants.O_RDWR | fs.constants.O_CREAT | fs.constants.O_TRUNC | fs.constants.O_APPEND;

/** Whether open flags allow changing the file. */
export function writes(flags: string | number | undefined): boolean {
  if (flags === undefined) return false;
  if (typeof flags === 'number') return (flags & O_WRITE) !== 0;
  return /[wa+]/.test(flags);
}

const pathOf = (arg: unknown): string | undefined =>
  typeof arg === 'string' ? arg : arg instanceof URL ? arg.pathname : Buffer.isBuffer(arg) ? arg.toString() : undefined;

type AnyFn = (...args: unknown[]) => unknown;

export class FsAudit {
  readonly calls: FsCall[] = [];
  private readonly restores: Array<() => void> = [];

  constructor(private readonly root: string) {}

  private inside(path: string): boolean {
    const abs = resolve(path);
    return abs === this.root || abs.startsWith(this.root + sep);
  }

  private wrap(target: Record<string, unknown>, name: string, record: (args: unknown[]) => void): void {
    const original = target[name];
    if (typeof original !== 'function') return;
    const wrapped = function (this: unknown, ...args: unknown[]): unknown {
      record(args);
      return (original as AnyFn).apply(this, args);
    };
    target[name] = wrapped;
    this.restores.push(() => {
      target[name] = original;
    });
  }

  start(): this {
    const fsObj = fs as unknown as Record<string, unknown>;
    const promises = fs.promises as unknown as Record<string, unknown>;
    const onOpen = (fn: string) => (args: unknown[]) => {
      const path = pathOf(args[0]);
      if (path !== undefined && this.inside(path)) this.calls.push({ fn, path, flags: args[1] as string | number | undefined });
    };
    const onStream = (args: unknown[]) => {
      const path = pathOf(args[0]);
      const options = args[1];
      const flags = typeof options === 'string' ? undefined : (options as { flags?: string } | undefined)?.flags;
      if (path !== undefined && this.inside(path)) this.calls.push({ fn: 'createReadStream', path, ...(flags !== undefined ? { flags } : {}) });
    };
    const onMutate = (fn: string) => (args: unknown[]) => {
      for (const arg of args.slice(0, 2)) {
        const path = pathOf(arg);
        if (path !== undefined && this.inside(path)) this.calls.push({ fn, path, flags: 'mutates' });
      }
    };
    for (const name of ['open', 'openSync']) this.wrap(fsObj, name, onOpen(name));
    this.wrap(promises, 'open', onOpen('promises.open'));
    this.wrap(fsObj, 'createReadStream', onStream);
    for (const name of MUTATORS) {
      this.wrap(fsObj, name, onMutate(name));
      this.wrap(fsObj, `${name}Sync`, onMutate(`${name}Sync`));
      this.wrap(promises, name, onMutate(`promises.${name}`));
    }
    syncBuiltinESMExports();
    return this;
  }

  stop(): void {
    for (const restore of this.restores.reverse()) restore();
    this.restores.length = 0;
    syncBuiltinESMExports();
  }

  /** Calls that could have changed something under the root. */
  violations(): FsCall[] {
    return this.calls.filter((c) => c.flags === 'mutates' || writes(c.flags));
  }

  /** Opens for reading under the root (proof the audit saw the scan at all). */
  reads(): FsCall[] {
    return this.calls.filter((c) => c.flags !== 'mutates' && !writes(c.flags));
  }
}
