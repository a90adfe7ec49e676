/**
 * Poetry's version constraints (poetry-core `parse_constraint`) as PEP 440 specifier sets:
 * `^1.2.3` → `>=1.2.3,<2.0.0`, `~1.2` → `>=1.2,<1.3`, `1.2.3` → `==1.2.3`, `1.2.*` → `==1.2.*`,
 * `>=1.2 <2` → `>=1.2,<2`, `a || b` → alternatives (kept as ` || `).
 */

export type PoetryConstraint = { ok: true; specifier: string } | { ok: false; error: string };

const RELEASE = /^(\d+(?:\.\d+)*)(.*)$/;

function releaseOf(version: string): number[] | undefined {
  const m = RELEASE.exec(version);
  if (!m) return undefined;
  return m[1]!.split('.').map(Number);
}

/** poetry-core Version.next_breaking: the next major, or for 0.x the next minor, for 0.0.x the next patch. */
function caretUpper(r: number[]): number[] {
  const [major = 0, minor, patch] = r;
  if (major > 0 || minor === undefined) return [major + 1, ...r.slice(1).map(() => 0)];
  if (minor > 0 || patch === undefined) return [0, minor + 1, ...r.slice(2).map(() => 0)];
  return [0, 0, patch + 1, ...r.slice(3).map(() => 0)];
}

/** `~1` → next major; `~1.2`, `~1.2.3` → next minor. */
function tildeUpper(r: number[]): number[] {
  if (r.length === 1) return [r[0]! + 1];
  return [r[0]!, r[1]! + 1, ...r.slice(2).map(() => 0)];
}

function single(c: string): string | undefined {
  if (c === '*' || c === '') return '';
  const op = /^(~=|===|==|!=|<=|>=|<|>|=|\^|~)?\s*(.+)$/.exec(c);
  if (!op) return undefined;
  const [, operator = '', version = ''] = op;
  if (/\s/.test(version)) return undefined;
  if (operator === '^' || operator === '~') {
    const r = releaseOf(version);
    if (!r) return undefined;
    return `>=${version},<${(operator === '^' ? caretUpper(r) : tildeUpper(r)).join('.')}`;
  }
  if (operator === '' || operator === '=') {
    if (version.endsWith('.x') || version.endsWith('.X')) return `==${version.slice(0, -2)}.*`;
    return `==${version}`;
  }
  return `${operator}${version}`;
}

export function poetryToPep440(constraint: string): PoetryConstraint {
  const alternatives: string[] = [];
  for (const alt of constraint.split(/\|\|?/)) {
    // `>= 1.2, < 2` and `>=1.2 <2` both mean AND: glue operators to their versions, then split.
    const glued = alt.trim().replace(/(~=|===|==|!=|<=|>=|<|>|=|\^|~)\s+/g, '$1');
    const parts = glued.split(/[\s,]+/).filter((p) => p !== '');
    const clauses: string[] = [];
    for (const p of parts) {
      const s = single(p);
      if (s === undefined) return { ok: false, error: `'${p}' is not a Poetry version constraint` };
      if (s !== '') clauses.push(s);
    }
    // One alternative with no bound admits everything: the whole constraint does.
    if (clauses.length === 0) return { ok: true, specifier: '' };
    alternatives.push(clauses.join(','));
  }
  return { ok: true, specifier: alternatives.join(' || ') };
}
