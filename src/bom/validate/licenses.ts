import parseSpdx from 'spdx-expression-parse';
import type { BomLicense } from '../types.js';
import { byString, isHttpUrl, isNonEmpty, isString, sha256Hex } from './text.js';
import type { ViewLicense } from './view.js';

/** Longer licence expressions are not a card's licence but something else pasted in. */
const MAX_EXPRESSION = 1000;

/** A named licence as an SPDX `LicenseRef-`: its name where the grammar allows, else with a digest so two names never meet. */
function licenseRefOf(name: string): string {
  const clean = name.replace(/[^A-Za-z0-9.-]+/g, '-');
  return clean === name ? `LicenseRef-${name}` : `LicenseRef-${clean}-${sha256Hex(name).slice(0, 8)}`;
}

/** The expression as parsed, when valid; `singleId` when it is one plain licence id. */
function parseExpression(expression: string): { singleId?: string; compound: boolean } | undefined {
  if (expression.length > MAX_EXPRESSION) return undefined;
  try {
    const info = parseSpdx(expression);
    if ('conjunction' in info) return { compound: true };
    const plain = !info.plus && info.exception === undefined && !info.license.includes(':');
    return { compound: info.exception !== undefined, ...(plain && info.license === expression.trim() ? { singleId: info.license } : {}) };
  } catch {
    return undefined;
  }
}

const identity = (l: ViewLicense): string => (l.kind === 'spdx' ? `spdx\0${l.expression}` : `named\0${l.name}\0${l.url ?? ''}`);

/**
 * Licences checked (SPDX expressions must parse; named ones need a name), each with the term it
 * makes in a larger `AND`. The same licence from two sources is kept once: the one whose declared
 * text sorts first, so the result does not depend on the order sources were read in.
 */
export function checkLicenses(licenses: readonly BomLicense[], fail: (message: string) => void): ViewLicense[] {
  const out: ViewLicense[] = [];
  for (const [i, license] of licenses.entries()) {
    const at = `licenses[${i}]`;
    if (!isString(license?.declared)) fail(`${at}.declared: missing`);
    if (license?.kind === 'spdx') {
      const parsed = isString(license.expression) ? parseExpression(license.expression) : undefined;
      if (!parsed) {
        fail(`${at}.expression: ${JSON.stringify(license.expression)} is not a valid SPDX expression`);
        continue;
      }
      const expression = license.expression.trim();
      const term = parsed.compound ? `(${expression})` : expression;
      out.push({ kind: 'spdx', expression, declared: license.declared, term, ...(parsed.singleId ? { singleId: parsed.singleId } : {}) });
    } else if (license?.kind === 'named') {
      if (!isNonEmpty(license.name) || license.name.trim() !== license.name) {
        fail(`${at}.name: ${JSON.stringify(license.name)} is empty or padded`);
        continue;
      }
      if (license.url !== undefined && !(isString(license.url) && isHttpUrl(license.url))) fail(`${at}.url: ${JSON.stringify(license.url)} is not an http(s) URL`);
      const ref = licenseRefOf(license.name);
      out.push({ kind: 'named', name: license.name, declared: license.declared, ref, term: ref, ...(isString(license.url) ? { url: license.url } : {}) });
    } else {
      fail(`${at}.kind: ${JSON.stringify((license as { kind?: unknown })?.kind)} is not spdx or named`);
    }
  }
  out.sort((a, b) => byString(a.term, b.term) || byString(identity(a), identity(b)) || byString(String(a.declared), String(b.declared)));
  const seen = new Set<string>();
  return out.filter((l) => (seen.has(identity(l)) ? false : (seen.add(identity(l)), true)));
}
