/**
 * `-r other.txt` / `-c constraints.txt`: pip reads the named file too. modelvet reads it only when
 * it is a local file inside the including file's own folder (symlinks resolved), never a URL, an
 * absolute path or `..`: a scan never reads outside what it was pointed at. Files that carry a
 * manifest name are analysed on their own when their folder is scanned, so they are not read twice.
 */
import { readFile, realpath, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import type { AnalyseContext } from '../../engine/format-handler.js';
import { anomaly } from '../anomaly.js';
import { DEPS_CODES } from './codes.js';
import { manifestKindOf } from './names.js';
import { parseRequirementsText } from './requirements.js';
import { decodeUtf8 } from './text.js';
import type { DependencyArtifact } from './types.js';

interface Where {
  absolutePath: string;
  displayPath: string;
}

const isUrl = (s: string): boolean => /^[a-z][a-z0-9+.-]*:\/\//i.test(s);

const inside = (dir: string, path: string): boolean => {
  const rel = relative(dir, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
};

async function follow(artifact: DependencyArtifact, where: Where, context: AnalyseContext, level: number, seen: Set<string>): Promise<void> {
  const dir = dirname(where.absolutePath);
  for (const include of artifact.manifest.includes ?? []) {
    const skip = (why: string): void => {
      include.notFollowed = why;
    };
    const target = include.target;
    if (isUrl(target)) { skip('a URL: modelvet does not fetch it'); continue; }
    if (isAbsolute(target) || target.startsWith('~')) { skip('an absolute path: outside the scanned folder'); continue; }
    const resolved = resolve(dir, target);
    if (!inside(dir, resolved)) { skip(`outside the folder of ${basename(where.absolutePath)}`); continue; }
    if (manifestKindOf(basename(resolved))) { skip('a manifest name: analysed on its own when its folder is scanned'); continue; }
    if (level >= context.options.maxDepth) {
      artifact.anomalies.push(anomaly(DEPS_CODES.limit, `line ${include.line} includes ${target} more than ${context.options.maxDepth} levels deep; it was not read`, undefined, { line: include.line, target }));
      skip('include nesting limit');
      continue;
    }
    let real: string;
    try {
      real = await realpath(resolved);
      const realDir = await realpath(dir);
      if (!inside(realDir, real)) { skip('a link leading outside the folder'); continue; }
    } catch {
      artifact.anomalies.push(anomaly(DEPS_CODES.invalidEntry, `line ${include.line} names ${target}, which does not exist, so pip refuses the file`, undefined, { line: include.line, target }));
      skip('missing');
      continue;
    }
    if (seen.has(real)) { skip('already read (an include cycle or a repeat)'); continue; }
    seen.add(real);
    const displayPath = `${dirname(where.displayPath) === '.' ? '' : `${dirname(where.displayPath)}/`}${relative(dir, resolved).split(sep).join('/')}`;
    const child: DependencyArtifact = { path: displayPath, format: 'dependency-manifest', size: 0, anomalies: [], children: [], manifest: { kind: include.kind, dependencies: [] } };
    artifact.children.push(child);
    try {
      const info = await stat(real);
      child.size = info.size;
      if (!info.isFile()) throw Object.assign(new Error('not a file'), { code: 'EISDIR' });
      if (info.size > context.options.maxJsonBytes) {
        child.anomalies.push(anomaly(DEPS_CODES.limit, `${target} is ${info.size} bytes, over the ${context.options.maxJsonBytes}-byte limit for a manifest read whole, so its dependencies were not checked`, undefined, { size: info.size, limit: context.options.maxJsonBytes }));
        continue;
      }
      const text = decodeUtf8(await readFile(real));
      if (text === null) {
        child.anomalies.push(anomaly(DEPS_CODES.malformed, `${target} is not valid UTF-8, so its dependencies were not checked`));
        continue;
      }
      const parsed = parseRequirementsText(text);
      child.manifest = { kind: include.kind, dependencies: parsed.dependencies, ...(parsed.includes.length ? { includes: parsed.includes } : {}) };
      child.anomalies.push(...parsed.anomalies);
      await follow(child, { absolutePath: real, displayPath }, context, level + 1, seen);
    } catch (err) {
      child.anomalies.push(anomaly(DEPS_CODES.malformed, `${target} could not be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}), so its dependencies were not checked`));
    }
  }
}

export async function followIncludes(artifact: DependencyArtifact, context: AnalyseContext): Promise<void> {
  if (!context.file) {
    for (const include of artifact.manifest.includes ?? []) include.notFollowed = 'the manifest is not a local file (an archive member or a remote file)';
    return;
  }
  const seen = new Set<string>();
  try {
    seen.add(await realpath(context.file.absolutePath));
  } catch {
    // The file was just read; if it cannot be resolved now, the cycle check simply starts empty.
  }
  await follow(artifact, { absolutePath: context.file.absolutePath, displayPath: context.path }, context, 0, seen);
}
