import { join, relative } from 'node:path';
import { checkShards, readSigningManifest, type ShardCheck, type SigningManifest, type SigningOptions } from './model-signing/read.js';
import { isInside, toPosix } from './paths.js';
import type { ExpectedDigest, IntegrityStatus } from './types.js';

/** Folders a model_signing manifest never covers: the VCS folders its serializer skips. */
const ALWAYS_IGNORED = ['.git', '.gitattributes', '.github', '.gitignore'];

/** A signing manifest, indexed for questions about files under its model folder. */
export class SigningIndex {
  private readonly files: Map<string, string>;
  private readonly shardPaths: Set<string>;
  private shardChecks?: Promise<Map<string, ShardCheck[]>>;

  constructor(
    readonly manifest: SigningManifest,
    /** How findings name the signature file. */
    readonly where: string,
  ) {
    this.files = new Map(manifest.files.map((f) => [f.path, f.sha256]));
    this.shardPaths = new Set(manifest.shards.map((s) => s.path));
  }

  static async read(bundlePath: string, where: string, options: SigningOptions = {}): Promise<SigningIndex> {
    return new SigningIndex(await readSigningManifest(bundlePath, options), where);
  }

  get root(): string {
    return this.manifest.modelRoot;
  }

  /** Posix path under the model folder, or undefined when `abs` is not inside it. */
  relOf(abs: string): string | undefined {
    return isInside(abs, this.root) ? toPosix(relative(this.root, abs)) : undefined;
  }

  /** The signature file itself, VCS folders and the signer's ignore paths are outside the manifest by design. */
  isIgnored(rel: string): boolean {
    if (join(this.root, ...rel.split('/')) === this.manifest.path) return true;
    const ignored = [...ALWAYS_IGNORED, ...this.manifest.ignorePaths];
    return ignored.some((p) => rel === p || rel.startsWith(`${p.replace(/\/$/, '')}/`));
  }

  expected(rel: string): ExpectedDigest | undefined {
    const sha256 = this.files.get(rel);
    return sha256 ? { sha256, source: 'signing-manifest', where: this.where } : undefined;
  }

  coversInShards(rel: string): boolean {
    return this.shardPaths.has(rel);
  }

  covers(rel: string): boolean {
    return this.files.has(rel) || this.shardPaths.has(rel);
  }

  /** Every signed path (whole files and sharded ones). */
  signedPaths(): string[] {
    return [...new Set([...this.files.keys(), ...this.shardPaths])].sort();
  }

  /** Signed ranges of one file re-hashed; the whole manifest's shards are checked once, on first use. */
  async shardStatus(rel: string): Promise<NonNullable<IntegrityStatus['signedShards']>> {
    this.shardChecks ??= checkShards(this.manifest, this.root).then((checks) => {
      const byPath = new Map<string, ShardCheck[]>();
      for (const c of checks) byPath.set(c.path, [...(byPath.get(c.path) ?? []), c]);
      return byPath;
    });
    const checks = (await this.shardChecks).get(rel) ?? [];
    return {
      where: this.where,
      checked: checks.length,
      mismatches: checks.filter((c) => !c.ok).map((c) => ({ start: c.start, end: c.end, expected: c.expected, actual: c.actual })),
    };
  }
}
