import type { SiblingFiles } from '../engine/format-handler.js';
import { siblingPath } from '../sources/sibling-path.js';
import type { HubClient } from '../sources/hub/client.js';
import { RemoteFileReader, type RemoteReadLimits } from '../sources/hub/remote-reader.js';
import type { HubFile, HubRef } from '../sources/hub/types.js';

/**
 * The files of one repo at one commit as ranged readers. A reader lives while its file is being
 * analysed (and while a sibling, such as a safetensors index, reads it), so what was fetched is
 * reused and memory stays bounded by the files in flight.
 */
export class RemoteRepoFiles {
  readonly #byPath: ReadonlyMap<string, HubFile>;
  readonly #open = new Map<string, { reader: RemoteFileReader; users: number }>();
  /** Files whose fetch cap was reached, with the lowest offset refused. */
  readonly capped = new Map<string, number>();

  constructor(
    readonly client: HubClient,
    readonly ref: HubRef,
    readonly commit: string,
    files: readonly HubFile[],
    readonly limits: RemoteReadLimits,
    /** Display root: `hf:org/name@<commit>`. */
    readonly root: string,
  ) {
    this.#byPath = new Map(files.map((f) => [f.path, f]));
  }

  file(path: string): HubFile | undefined {
    return this.#byPath.get(path);
  }

  /** Bytes fetched for a file so far, every reader and retry included. */
  fetchedBytes(path: string): number {
    return this.client.stats.bytesFor(this.client.fileUrl(this.ref, path, this.commit));
  }

  requests(path: string): number {
    return this.client.stats.requestsFor(this.client.fileUrl(this.ref, path, this.commit));
  }

  /** A reader for the file, shared while anyone holds it; `release` when done. */
  acquire(path: string): RemoteFileReader | undefined {
    const open = this.#open.get(path);
    if (open) {
      open.users++;
      return open.reader;
    }
    const file = this.#byPath.get(path);
    if (!file) return undefined;
    const reader = new RemoteFileReader(this.client, this.ref, this.commit, { path: file.path, size: file.size }, this.limits);
    this.#open.set(path, { reader, users: 1 });
    return reader;
  }

  release(path: string): void {
    const open = this.#open.get(path);
    if (!open) return;
    if (open.reader.capped) {
      const before = this.capped.get(path);
      this.capped.set(path, Math.min(before ?? Infinity, open.reader.capped.offset));
    }
    if (--open.users <= 0) this.#open.delete(path);
  }

  /** Reads a small file whole (undefined when absent or larger than `maxBytes`). */
  async bytes(path: string, maxBytes: number): Promise<Uint8Array | undefined> {
    const file = this.#byPath.get(path);
    if (!file || file.size > maxBytes) return undefined;
    const reader = this.acquire(path)!;
    try {
      return await reader.read(0, file.size);
    } finally {
      this.release(path);
    }
  }

  /** Reads a small file whole as UTF-8 (undefined when absent or larger than `maxBytes`). */
  async text(path: string, maxBytes: number): Promise<string | undefined> {
    const bytes = await this.bytes(path, maxBytes);
    return bytes === undefined ? undefined : new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  }

  /** What a loader finds beside `path`: the repo's other files, resolved against its folder. */
  siblingsOf(path: string, holders: Set<string>): SiblingFiles {
    const resolveRel = (rel: string): string | undefined => siblingPath(path, rel);
    return {
      where: this.root,
      stat: async (rel) => {
        const target = resolveRel(rel);
        const file = target !== undefined ? this.#byPath.get(target) : undefined;
        return file ? { size: file.size } : undefined;
      },
      open: async (rel) => {
        const target = resolveRel(rel);
        if (target === undefined || !this.#byPath.has(target)) return undefined;
        // Held until the file that asked is done, so a shard's header is fetched once for both reads.
        if (!holders.has(target)) {
          holders.add(target);
          this.acquire(target);
        }
        return this.#open.get(target)!.reader;
      },
    };
  }
}
