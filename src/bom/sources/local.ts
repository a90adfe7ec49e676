import { existsSync, readFileSync } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { analyseReader } from '../../engine/analyse.js';
import { analyseOptionsFrom, fileByteBudget } from '../../engine/limits.js';
import { scan, type Prepared } from '../../engine/scan.js';
import { hashFiles, HashError } from '../../integrity/hash-pool.js';
import { cachePlaceOf, GIT_SHA1_NAME, isCacheRoot } from '../../integrity/hf-cache.js';
import { listModelFiles } from '../../integrity/local-files.js';
import { displayPath } from '../../integrity/paths.js';
import { fileReader } from '../../sources/readers.js';
import type { Artifact } from '../../types.js';
import { UsageError } from '../../util/errors.js';
import { verdictsFromFindings } from '../facts/verdicts.js';
import type { BomVerdict, FactSource } from '../types.js';

export interface LocalSourceOptions {
  cwd: string;
  /** Configuration and rules for the scan whose findings become the verdicts. */
  prepared: Prepared;
  /** YYYY-MM-DD for suppression expiry (default today). */
  today?: string;
  /** Hashing threads (default: one per core). */
  threads?: number;
  /** Absolute paths left out of the model (the BOM being written into its folder). */
  exclude?: readonly string[];
}

interface Root {
  /** The folder file paths are relative to. */
  dir: string;
  /** A single file given instead of a folder: its path relative to `dir`. */
  only?: string;
  kind: FactSource['kind'];
  identity: FactSource['identity'];
}

/**
 * A snapshot folder of the Hugging Face cache (`models--org--name/snapshots/<commit>`) is that repo
 * at that commit, known offline; the repo folder itself stands for the snapshot `refs/main` names.
 */
function cacheRoot(dir: string): Root | undefined {
  const place = cachePlaceOf(dir);
  if (!place || place.repo.repoType !== 'model') return undefined;
  if (place.area === undefined) {
    const ref = join(place.repo.dir, 'refs', 'main');
    const commit = existsSync(ref) ? readFileSync(ref, 'utf8').slice(0, 100).trim() : '';
    const snapshot = join(place.repo.dir, 'snapshots', commit);
    if (!GIT_SHA1_NAME.test(commit) || !existsSync(snapshot)) throw new UsageError(`${basename(dir)} has no snapshot for refs/main: give the snapshot folder (${join(basename(dir), 'snapshots', '<commit>')})`);
    return { dir: snapshot, kind: 'hf-cache', identity: { repo: place.repo.repo, commit } };
  }
  if (place.area !== 'snapshots' || place.snapshot === undefined || place.relPath !== undefined || !GIT_SHA1_NAME.test(place.snapshot)) return undefined;
  return { dir, kind: 'hf-cache', identity: { repo: place.repo.repo, commit: place.snapshot } };
}

async function rootOf(abs: string, given: string): Promise<Root> {
  let st;
  try {
    st = await stat(abs);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(code === 'ENOENT' ? `no such file or folder: ${given}` : `cannot read ${given}: ${code}`);
  }
  if (st.isDirectory()) {
    if (isCacheRoot(abs)) throw new UsageError(`${given} is a Hugging Face cache of several repos: give one model's snapshot folder (models--org--name/snapshots/<commit>)`);
    return cacheRoot(abs) ?? { dir: abs, kind: 'folder', identity: {} };
  }
  if (!st.isFile()) throw new UsageError(`${given} is not a file or folder`);
  const dir = dirname(abs);
  const cache = cacheRoot(dir);
  return { ...(cache ?? { dir, kind: 'folder' as const, identity: {} }), only: basename(abs) };
}

/** Reads at most `maxBytes` + 1 bytes: a file that grew past its listed size is still not read whole. */
async function readCapped(path: string, listedSize: number, maxBytes: number): Promise<string | undefined> {
  const handle = await open(path, 'r');
  try {
    const buf = Buffer.alloc(Math.min(listedSize, maxBytes) + 1);
    let got = 0;
    while (got < buf.length) {
      const { bytesRead } = await handle.read(buf, got, buf.length - got, got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    // A full buffer means the file is larger than listed: read again rather than trust a partial view.
    if (got === buf.length) return got > maxBytes ? undefined : readCapped(path, maxBytes, maxBytes);
    return new TextDecoder('utf-8').decode(buf.subarray(0, got));
  } finally {
    await handle.close();
  }
}

/**
 * A local model folder, a single model file, or a Hugging Face cache snapshot, as extraction reads
 * it: every file listed as `modelvet scan` walks the folder (links out of it are not followed) and
 * hashed locally; each file analysed once, on demand; verdicts from a scan of the same path.
 */
export async function localFactSource(target: string, options: LocalSourceOptions): Promise<FactSource> {
  const abs = resolve(options.cwd, target);
  const root = await rootOf(abs, target);
  const excluded = new Set((options.exclude ?? []).map((p) => resolve(options.cwd, p)));
  const listing = await listModelFiles(root.dir, excluded);
  const listed = root.only !== undefined ? listing.files.filter((f) => f.relPath === root.only) : listing.files;
  const digests = await hashFiles(listed.map((f) => ({ path: f.absPath, size: f.size })), options.threads !== undefined ? { threads: options.threads } : {});
  const files = listed.map((f, i) => {
    const d = digests[i];
    return { path: f.relPath, size: f.size, ...(d && !(d instanceof HashError) && d.sha256 ? { sha256: d.sha256, sha256Source: 'local' as const } : {}) };
  });
  const absOf = new Map(listed.map((f) => [f.relPath, f.absPath]));
  const sizeOf = new Map(files.map((f) => [f.path, f.size]));
  const analysed = new Map<string, Promise<Artifact | undefined>>();
  const analyseOptions = analyseOptionsFrom(options.prepared.config);
  let verdicts: Promise<BomVerdict[]> | undefined;

  const analyse = async (path: string): Promise<Artifact | undefined> => {
    const file = absOf.get(path);
    if (file === undefined) return undefined;
    const reader = await fileReader(file);
    try {
      const budget = fileByteBudget(reader, analyseOptions);
      return budget.finish(await analyseReader(budget.reader, path, 0, analyseOptions, { file: { absolutePath: file } }));
    } finally {
      await reader.close();
    }
  };

  return {
    kind: root.kind,
    root: displayPath(abs, options.cwd),
    identity: root.identity,
    files,
    async readText(path, maxBytes) {
      const file = absOf.get(path);
      const size = sizeOf.get(path);
      if (file === undefined || size === undefined || size > maxBytes) return undefined;
      return readCapped(file, size, maxBytes).catch(() => undefined);
    },
    analyse(path) {
      let pending = analysed.get(path);
      if (!pending) {
        // A file that cannot be read or parsed gives no facts; the scan reports it as a finding.
        pending = analyse(path).catch(() => undefined);
        analysed.set(path, pending);
      }
      return pending;
    },
    verdicts() {
      verdicts ??= (async () => {
        const target = root.only !== undefined ? join(root.dir, root.only) : root.dir;
        const report = await scan({ cwd: options.cwd, paths: [target], prepared: options.prepared, ...(options.today ? { today: options.today } : {}) });
        // "No recorded digest" is what the BOM being written settles: carrying it would make the next
        // BOM (which sees this one as the record) differ from this one.
        const about = report.findings.filter((f) => f.ruleId !== 'integrity/missing-checksum' && !excluded.has(resolve(options.cwd, f.path.split('!')[0]!)));
        return verdictsFromFindings(about, root.dir, options.cwd);
      })();
      return verdicts;
    },
  };
}
