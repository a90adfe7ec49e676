/**
 * PEP 440 versions and specifiers, as `packaging` (pip, uv) evaluates them. Parsing and ordering
 * come from `@renovatebot/pep440`; the comparison rules are written out here because that
 * library's `satisfies` simplifies the exclusive comparisons (it rejects `5.0.0rc1` for
 * `<5.0.0rc3`). Mirrors packaging.specifiers.Specifier:
 *   `<V` excludes pre-releases of V unless V is one; `>V` excludes V's post-releases and local
 *   builds; `==`/`!=` ignore a candidate's local label unless V has one; `==V.*` is a prefix match
 *   on epoch and zero-padded release; `~=V` is `>=V, ==prefix(V).*`; `===` compares strings.
 * Pre-releases are admitted by a specifier only when one of its inclusive clauses names one.
 */
import { compare, explain } from '@renovatebot/pep440';

/** Longer strings are not versions any tool writes; the cap also bounds the library's regex work. */
const MAX_VERSION_LENGTH = 128;

export interface Version {
  text: string;
  epoch: number;
  release: number[];
  /** Without the local label. */
  public: string;
  /** Epoch and release only. */
  base: string;
  local: string | null;
  hasPre: boolean;
  isPrerelease: boolean;
  isPostrelease: boolean;
}

export function parseVersion(text: string): Version | undefined {
  const t = text.trim();
  if (t === '' || t.length > MAX_VERSION_LENGTH) return undefined;
  const e = explain(t);
  if (!e) return undefined;
  const base = `${e.epoch ? `${e.epoch}!` : ''}${e.release.join('.')}`;
  return {
    text: t,
    epoch: e.epoch,
    release: e.release,
    public: e.public,
    base,
    local: e.local,
    hasPre: e.pre !== null,
    isPrerelease: e.is_prerelease,
    isPostrelease: e.is_postrelease,
  };
}

export type Operator = '<' | '<=' | '>' | '>=' | '==' | '!=' | '~=' | '===';

export interface Clause {
  op: Operator;
  /** The version as written (without `.*`). */
  version: string;
  parsed?: Version;
  wildcard: boolean;
}

/** Clauses that must all hold. Empty: every version. */
export type SpecifierSet = Clause[];
/** Alternatives (Poetry's `||`): any one set. */
export type Specifier = SpecifierSet[];

const CLAUSE = /^(~=|===|==|!=|<=|>=|<|>)\s*(\S+)$/;

function parseClause(text: string): Clause | undefined {
  const m = CLAUSE.exec(text.trim());
  if (!m) return undefined;
  const op = m[1] as Operator;
  let version = m[2]!;
  if (op === '===') return { op, version, wildcard: false, ...(parseVersion(version) ? { parsed: parseVersion(version)! } : {}) };
  const wildcard = version.endsWith('.*');
  if (wildcard) {
    if (op !== '==' && op !== '!=') return undefined;
    version = version.slice(0, -2);
  }
  const parsed = parseVersion(version);
  if (!parsed) return undefined;
  // packaging's grammar: a prefix is epoch + release; ordered operators take no local label; ~= needs two release parts.
  if (wildcard && (parsed.public !== parsed.base || parsed.local)) return undefined;
  if (parsed.local && op !== '==' && op !== '!=') return undefined;
  if (op === '~=' && parsed.release.length < 2) return undefined;
  return { op, version, parsed, wildcard };
}

/** A specifier as written (`>=2.0,<3`, `a || b`, '' for any), or undefined when it is not PEP 440. */
export function parseSpecifier(text: string): Specifier | undefined {
  const out: Specifier = [];
  for (const alt of text.split('||')) {
    const set: SpecifierSet = [];
    const t = alt.trim();
    if (t !== '') {
      for (const part of t.split(',')) {
        const clause = parseClause(part);
        if (!clause) return undefined;
        set.push(clause);
      }
    }
    out.push(set);
  }
  return out;
}

const padded = (r: number[], n: number): number[] => [...r, ...Array(Math.max(0, n - r.length)).fill(0)];

function sameBase(a: Version, b: Version): boolean {
  if (a.epoch !== b.epoch) return false;
  const n = Math.max(a.release.length, b.release.length);
  const x = padded(a.release, n);
  const y = padded(b.release, n);
  return x.every((v, i) => v === y[i]);
}

function prefixMatch(v: Version, prefix: Version): boolean {
  if (v.epoch !== prefix.epoch) return false;
  const r = padded(v.release, prefix.release.length);
  return prefix.release.every((p, i) => r[i] === p);
}

function equals(v: Version, c: Clause): boolean {
  const spec = c.parsed!;
  if (c.wildcard) return prefixMatch(v, spec);
  return spec.local ? compare(v.text, spec.text) === 0 : compare(v.public, spec.text) === 0;
}

function contains(c: Clause, v: Version): boolean {
  if (c.op === '===') return v.text.toLowerCase() === c.version.toLowerCase();
  const spec = c.parsed!;
  switch (c.op) {
    case '==':
      return equals(v, c);
    case '!=':
      return !equals(v, c);
    case '<=':
      return compare(v.public, spec.text) <= 0;
    case '>=':
      return compare(v.public, spec.text) >= 0;
    case '<':
      if (!(compare(v.text, spec.text) < 0)) return false;
      return !(!spec.isPrerelease && v.isPrerelease && sameBase(v, spec));
    case '>':
      if (!(compare(v.text, spec.text) > 0)) return false;
      if (!spec.isPostrelease && v.isPostrelease && sameBase(v, spec)) return false;
      return !(v.local !== null && sameBase(v, spec));
    case '~=': {
      const prefix = parseVersion(`${spec.epoch ? `${spec.epoch}!` : ''}${spec.release.slice(0, -1).join('.')}`)!;
      return compare(v.public, spec.text) >= 0 && prefixMatch(v, prefix);
    }
  }
}

/** packaging's Specifier.prereleases: an inclusive clause naming a pre-release lets pre-releases in. */
const namesPrerelease = (set: SpecifierSet): boolean => set.some((c) => ['==', '>=', '<=', '~=', '==='].includes(c.op) && !c.wildcard && c.parsed?.isPrerelease === true);

export function satisfiesSet(v: Version, set: SpecifierSet, allowPrereleases: boolean): boolean {
  if (v.isPrerelease && !allowPrereleases && !namesPrerelease(set)) return false;
  return set.every((c) => contains(c, v));
}

/**
 * Whether `v` is within `spec`. `allowPrereleases: true` asks "is this installed version in
 * the range" (advisory ranges); `false` is an installer's choice among candidates.
 */
export function satisfies(v: Version, spec: Specifier, allowPrereleases: boolean): boolean {
  return spec.some((set) => satisfiesSet(v, set, allowPrereleases));
}

/** A value no real release component reaches, for "just below" candidates (`2.5.99999` < `2.6.0`). */
const BIG = 99999;

function withEpoch(epoch: number, release: number[], suffix = ''): string {
  return `${epoch ? `${epoch}!` : ''}${release.join('.')}${suffix}`;
}

/** Versions around one bound: it, its release, just above it, and just below it. */
function around(v: Version): { mentioned: string[]; synthetic: string[] } {
  const r = v.release;
  const e = v.epoch;
  const n = Math.max(r.length, 3);
  const synthetic: string[] = [
    withEpoch(e, [...padded(r, n), 1]),
    withEpoch(e, [...r.slice(0, -1), r[r.length - 1]! + 1]),
    withEpoch(e, [r[0]!, (r[1] ?? 0) + 1, 0]),
    withEpoch(e, [r[0]! + 1, 0, 0]),
  ];
  for (let i = r.length - 1; i >= 0; i--) {
    if (r[i] === 0) continue;
    const below = [...r.slice(0, i), r[i]! - 1];
    synthetic.push(withEpoch(e, i === r.length - 1 ? below : [...below, ...Array(n - i - 1).fill(BIG)]));
  }
  const pre = /^(.*?)(a|b|rc)(\d+)$/.exec(v.public);
  if (pre && Number(pre[3]) > 0) synthetic.push(`${pre[1]}${pre[2]}${Number(pre[3]) - 1}`);
  return { mentioned: [v.public, v.base], synthetic };
}

/**
 * Whether an installer following `spec` could pick a version within `affected`, and if a bound
 * written in either proves it, that version.
 *
 * Approximate by construction: instead of intersecting intervals exactly it tests candidates —
 * every version either specifier names, its release, versions just above it (`x.y.z.1`,
 * `x.y.(z+1)`, next minor and major) and just below it (`x.y.(z-1)`, `x.(y-1).99999`, the
 * previous pre-release), and `0`. Two ranges that overlap only between such candidates
 * (`>2.0,<2.0.0.1`) are missed; no real advisory or requirement is written that way.
 */
export function admits(spec: Specifier, affected: Specifier): { admits: boolean; example?: string } {
  const mentioned = new Set<string>();
  const synthetic = new Set<string>(['0']);
  for (const set of [...spec, ...affected]) {
    for (const c of set) {
      if (!c.parsed) continue;
      const a = around(c.parsed);
      for (const m of a.mentioned) mentioned.add(m);
      for (const s of a.synthetic) synthetic.add(s);
    }
  }
  const hit = (text: string): boolean => {
    const v = parseVersion(text);
    return v !== undefined && satisfies(v, spec, false) && satisfies(v, affected, true);
  };
  // The highest written bound that proves it reads best in a message.
  const provenBy = [...mentioned].filter(hit).sort((a, b) => compare(b, a))[0];
  if (provenBy) return { admits: true, example: provenBy };
  return { admits: [...synthetic].some(hit) };
}
