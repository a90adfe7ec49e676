import type { Dependency, DependencyArtifact, DependencyManifestKind } from '../../parsers/deps/types.js';
import { advisoryDatabase } from '../../policy/advisories/database.js';
import { checkDependency, isInformational, type AdvisoryMatch } from '../../policy/advisories/match.js';
import type { Advisory, AdvisoryKind } from '../../policy/advisories/types.js';
import type { FindingInput, Rule } from '../types.js';

const LOCK_KINDS: ReadonlySet<DependencyManifestKind> = new Set(['poetry-lock', 'uv-lock', 'pipfile-lock', 'package-lock']);

const EFFECT: Record<Exclude<AdvisoryKind, 'by-design'>, string> = {
  rce: 'run code',
  'file-write': 'write files',
  'file-read': 'read files',
  bypass: 'bypass a safety check',
  dos: 'crash the process',
};

/** `CVE-2025-32434 (<2.6.0)`, with the caveat for a range from one secondary source. */
function cite(a: Advisory): string {
  const range = a.affected.length === 1 && a.affected[0] === '>=0' ? 'all versions' : a.affected.join(' or ');
  return `${a.id} (${range}${a.confidence === 'unverified' ? ', range unverified' : ''})`;
}

function list(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

function effects(advisories: Advisory[]): string {
  // In the table's order (worst first), each once.
  const phrases = (Object.keys(EFFECT) as Array<keyof typeof EFFECT>).filter((k) => advisories.some((a) => a.kind === k)).map((k) => EFFECT[k]);
  return phrases.length <= 1 ? (phrases[0] ?? '') : `${phrases.slice(0, -1).join(', ')} or ${phrases.at(-1)}`;
}

function subject(dep: Dependency, kind: DependencyManifestKind, how: 'version' | 'specifier'): string {
  if (how === 'version') return `${LOCK_KINDS.has(kind) ? 'locked at' : 'pinned to'} ${dep.name} ${dep.version}`;
  const sep = dep.ecosystem === 'npm' ? '@' : '';
  return dep.specifier ? `${dep.name}${sep}${dep.specifier} admits versions` : `${dep.name} (no version constraint) admits versions`;
}

function advisoryEvidence(m: AdvisoryMatch): Record<string, unknown> {
  const a = m.advisory;
  return {
    id: a.id,
    ...(a.aliases ? { aliases: a.aliases } : {}),
    affected: a.affected,
    fixed: a.fixed,
    kind: a.kind,
    severity: a.severity,
    summary: a.summary,
    references: a.references,
    ...(a.confidence ? { confidence: a.confidence } : {}),
    ...(a.disputed ? { disputed: true } : {}),
    ...(m.example ? { admittedVersion: m.example } : {}),
  };
}

function dependencyEvidence(dep: Dependency, kind: DependencyManifestKind): Record<string, unknown> {
  return {
    ecosystem: dep.ecosystem,
    package: dep.name,
    manifest: kind,
    written: dep.written,
    ...(dep.version !== undefined ? { version: dep.version } : { specifier: dep.specifier ?? '' }),
    ...(dep.group ? { group: dep.group } : {}),
    ...(dep.marker ? { marker: dep.marker } : {}),
    ...(dep.extras ? { extras: dep.extras } : {}),
  };
}

function* findingsFor(dep: Dependency, kind: DependencyManifestKind, extraFiles: readonly string[]): Iterable<FindingInput> {
  const check = checkDependency(dep, advisoryDatabase(extraFiles));
  const location = dep.location ? { location: dep.location } : {};
  if (check.status === 'unreadable') {
    const grammar = dep.ecosystem === 'npm' ? 'semver' : 'PEP 440';
    yield {
      severity: 'medium',
      message: `${dep.name} ${check.what} is not ${grammar}, so ${check.advisories.length} known loader advisor${check.advisories.length === 1 ? 'y' : 'ies'} for it (${check.advisories.map((a) => a.id).join(', ')}) were not checked`,
      ...location,
      evidence: { ...dependencyEvidence(dep, kind), ids: check.advisories.map((a) => a.id) },
      fix: `Write the ${dep.name} version as ${grammar} so it can be checked.`,
    };
    return;
  }
  if (check.status !== 'matched') return;
  const serious = check.matches.filter((m) => !isInformational(m.advisory));
  const informational = check.matches.filter((m) => isInformational(m.advisory));
  const who = subject(dep, kind, check.how);
  if (serious.length > 0) {
    const advisories = serious.map((m) => m.advisory);
    const fixedPart =
      advisories.length === 1
        ? advisories[0]!.fixed.length ? `, fixed in ${advisories[0]!.fixed.join(' / ')}` : ', with no fixed release'
        : check.clearVersion ? `, all fixed in ${check.clearVersion}` : ', with no release listed as fixing them all';
    const withIt = check.how === 'version' ? 'it' : 'such a version';
    const upgrade = check.clearVersion
      ? check.how === 'version'
        ? `Upgrade ${dep.name} to ${check.clearVersion} or later${LOCK_KINDS.has(kind) ? ' and re-lock' : ''}; until then load only models you trust with it.`
        : `Require ${dep.name}>=${check.clearVersion} (or pin a fixed release) so no affected version can be installed.`
      : `No listed release fixes every advisory: load only models you trust with ${dep.name}, or replace it.`;
    yield {
      severity: check.how === 'version' ? 'high' : 'medium',
      message: `${who}${check.how === 'version' ? ',' : ''} affected by ${list(advisories.map(cite))}${fixedPart}: loading an untrusted model with ${withIt} can ${effects(advisories)}`,
      ...location,
      evidence: { ...dependencyEvidence(dep, kind), ids: advisories.map((a) => a.id), advisories: serious.map(advisoryEvidence), ...(check.clearVersion ? { clearVersion: check.clearVersion } : {}) },
      fix: upgrade,
    };
  }
  if (informational.length > 0) {
    const advisories = informational.map((m) => m.advisory);
    const one = advisories.length === 1;
    const verb = check.how === 'version' ? `${dep.name} ${dep.version} falls under` : `${who} covered by`;
    yield {
      severity: 'info',
      message: `${verb} ${list(advisories.map(cite))}, which ${one ? 'describes' : 'describe'} documented or disputed loader behaviour: ${advisories.map((a) => a.summary).join('; ')}`,
      ...location,
      evidence: { ...dependencyEvidence(dep, kind), ids: advisories.map((a) => a.id), advisories: informational.map(advisoryEvidence) },
      fix: `Load only trusted files with ${dep.name}, and prefer its safe loading options (weights_only=True, allow_pickle=False, safetensors).`,
    };
  }
}

const rule: Rule = {
  meta: {
    id: 'dependencies/vulnerable-loader',
    description: 'A dependency manifest locks, pins or admits a version of a model-loading package with a known advisory (torch, transformers, keras, onnx, …).',
    severity: 'high',
    category: 'dependencies',
    appliesTo: ['dependency-manifest'],
    docs: {
      description:
        'Loading a model file is only as safe as the loader: torch<2.6 can run code from a weights_only checkpoint, keras<3.9 from a .keras config, transformers<4.36 through RagRetriever. The rule reads requirements and constraints files, pyproject.toml (PEP 621, dependency groups, Poetry), poetry.lock, uv.lock, Pipfile.lock, package.json and package-lock.json, and matches each dependency against policy/loader-advisories.json (PEP 440 for PyPI, semver for npm) plus the files named by `advisories` in the config. A locked or pinned affected version is high; a specifier that lets the installer pick an affected version (>=2.0, ~=2.4, a bare name) is medium; disputed and by-design advisories (numpy allow_pickle, joblib and mlflow pickle loading) are info. Direct URL and VCS references are not matched. Environment markers are not evaluated: a dependency is checked whatever its marker says.',
      example: 'torch==2.5.1 in requirements.txt (CVE-2025-32434, fixed in 2.6.0); keras>=3.0 in pyproject.toml',
      fix: 'Upgrade to the fixed release named in the finding and re-lock; raise the lower bound of loose specifiers so no affected version can be installed.',
      url: 'https://peps.python.org/pep-0440/#version-specifiers',
    },
  },
  *check({ artifact, settings }) {
    const deps = artifact as DependencyArtifact;
    for (const dep of deps.manifest.dependencies) yield* findingsFor(dep, deps.manifest.kind, settings.advisories ?? []);
  },
};
export default rule;
