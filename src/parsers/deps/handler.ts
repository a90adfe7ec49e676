import type { AnalyseContext, FormatHandler, ZipFlavourHandler } from '../../engine/format-handler.js';
import type { Anomaly, ByteReader } from '../../types.js';
import { anomaly } from '../anomaly.js';
import { DEPS_CODES } from './codes.js';
import { followIncludes } from './includes.js';
import { parsePipfileLock, parseTomlLock } from './locks.js';
import { manifestKindOf } from './names.js';
import { parsePackageJson, parsePackageLock } from './npm.js';
import { parsePyproject } from './pyproject.js';
import { parseRequirementsText } from './requirements.js';
import { decodeUtf8 } from './text.js';
import { parseToml } from './toml.js';
import type { Dependency, DependencyArtifact, DependencyManifestKind, ManifestInclude } from './types.js';

interface Parsed {
  kind: DependencyManifestKind;
  dependencies: Dependency[];
  anomalies: Anomaly[];
  includes?: ManifestInclude[];
}

function parseJson(text: string, file: string): { ok: true; doc: unknown } | { ok: false; anomaly: Anomaly } {
  try {
    // JSON.parse defines own properties: a `__proto__` key stays data.
    return { ok: true, doc: JSON.parse(text) };
  } catch (err) {
    return { ok: false, anomaly: anomaly(DEPS_CODES.malformed, `${file} is not valid JSON (${(err as Error).message}), so its dependencies were not checked`) };
  }
}

function parseText(kind: DependencyManifestKind, text: string, name: string): Parsed {
  switch (kind) {
    case 'requirements':
    case 'constraints': {
      const r = parseRequirementsText(text);
      return { kind, dependencies: r.dependencies, anomalies: r.anomalies, includes: r.includes };
    }
    case 'pyproject-pep621':
    case 'pyproject-poetry':
    case 'poetry-lock':
    case 'uv-lock': {
      const toml = parseToml(text);
      if (!toml.ok) {
        const where = toml.line ? ` at line ${toml.line}` : '';
        return { kind, dependencies: [], anomalies: [anomaly(DEPS_CODES.malformed, `${name} is not valid TOML${where} (${toml.error}), so its dependencies were not checked`, undefined, toml.line ? { line: toml.line } : undefined)] };
      }
      if (kind === 'poetry-lock' || kind === 'uv-lock') return { kind, ...parseTomlLock(toml.table, text, kind === 'poetry-lock' ? 'poetry' : 'uv') };
      return parsePyproject(toml.table, text);
    }
    case 'pipfile-lock':
    case 'package-json':
    case 'package-lock': {
      const json = parseJson(text, name);
      if (!json.ok) return { kind, dependencies: [], anomalies: [json.anomaly] };
      const parse = kind === 'pipfile-lock' ? parsePipfileLock : kind === 'package-json' ? parsePackageJson : parsePackageLock;
      return { kind, ...parse(json.doc, text) };
    }
  }
}

/** Reads a manifest whole (they are small text files), within the JSON size limit. */
export async function readManifestText(reader: ByteReader, name: string, limit: number): Promise<{ ok: true; text: string } | { ok: false; anomaly: Anomaly }> {
  if (reader.size > limit) {
    return { ok: false, anomaly: anomaly(DEPS_CODES.limit, `${name} is ${reader.size} bytes, over the ${limit}-byte limit for a manifest read whole, so its dependencies were not checked`, undefined, { size: reader.size, limit }) };
  }
  const bytes = await reader.read(0, reader.size);
  const text = decodeUtf8(bytes);
  if (text === null) return { ok: false, anomaly: anomaly(DEPS_CODES.malformed, `${name} is not valid UTF-8, so its dependencies were not checked`) };
  return { ok: true, text };
}

async function analyseManifest(reader: ByteReader, context: AnalyseContext): Promise<DependencyArtifact> {
  const sniffed = manifestKindOf(context.name)!;
  const artifact: DependencyArtifact = {
    path: context.path,
    format: 'dependency-manifest',
    size: reader.size,
    anomalies: [],
    children: [],
    manifest: { kind: sniffed, dependencies: [] },
  };
  const read = await readManifestText(reader, context.name, context.options.maxJsonBytes);
  if (!read.ok) {
    artifact.anomalies.push(read.anomaly);
    return artifact;
  }
  let parsed: Parsed;
  try {
    parsed = parseText(sniffed, read.text, context.name);
  } catch (err) {
    // A parser bug must not let a manifest pass unchecked (fail closed).
    artifact.anomalies.push(anomaly(DEPS_CODES.malformed, `${context.name} could not be parsed (${(err as Error).message}), so its dependencies were not checked`));
    return artifact;
  }
  artifact.manifest = { kind: parsed.kind, dependencies: parsed.dependencies, ...(parsed.includes?.length ? { includes: parsed.includes } : {}) };
  artifact.anomalies.push(...parsed.anomalies);
  if (parsed.includes?.length) await followIncludes(artifact, context);
  return artifact;
}

/** Dependency manifests, by the names their tools give them (src/parsers/deps/names.ts). */
const manifests: FormatHandler = {
  format: 'dependency-manifest',
  stage: 'named',
  sniff: ({ name }) => manifestKindOf(name) !== undefined,
  analyse: analyseManifest,
};

/** This family's entries into the engine (see src/engine/handlers.ts for the order). */
export const HANDLERS: FormatHandler[] = [manifests];
export const ZIP_FLAVOURS: ZipFlavourHandler[] = [];
