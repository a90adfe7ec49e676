import { createRequire } from 'node:module';
import correct from 'spdx-correct';
import parse from 'spdx-expression-parse';

// The id lists spdx-expression-parse itself validates against (its own dependencies).
const require = createRequire(import.meta.url);
const LICENSE_IDS = [...(require('spdx-license-ids') as string[]), ...(require('spdx-license-ids/deprecated.json') as string[])];
const EXCEPTION_IDS = require('spdx-exceptions') as string[];

const byLowerCase = (ids: readonly string[]): ReadonlyMap<string, string> => new Map(ids.map((id) => [id.toLowerCase(), id]));
const LICENSES = byLowerCase(LICENSE_IDS);
const EXCEPTIONS = byLowerCase(EXCEPTION_IDS);
const OPERATORS = new Set(['and', 'or', 'with']);

/** The longest text looked at: a licence field is an id or a short expression. */
const MAX_EXPRESSION = 500;

function isExpression(text: string): boolean {
  try {
    parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * The same expression with each id and operator in SPDX's case (`mit or apache-2.0` →
 * `MIT OR Apache-2.0`); undefined when a word is not an SPDX id, exception or operator.
 */
function caseCorrected(text: string): string | undefined {
  const tokens = text.split(/(\s+|\(|\))/).filter((t) => t !== '');
  let afterWith = false;
  const out: string[] = [];
  for (const token of tokens) {
    if (/^\s+$/.test(token) || token === '(' || token === ')') {
      out.push(token === '(' || token === ')' ? token : ' ');
      continue;
    }
    const lower = token.toLowerCase();
    if (OPERATORS.has(lower)) {
      out.push(lower.toUpperCase());
      afterWith = lower === 'with';
      continue;
    }
    const plus = lower.endsWith('+') && !afterWith ? '+' : '';
    const bare = plus ? lower.slice(0, -1) : lower;
    const id = afterWith ? EXCEPTIONS.get(bare) : LICENSES.get(bare) ?? (/^licenseref-[a-z0-9.-]+$/.test(bare) ? token : undefined);
    if (id === undefined) return undefined;
    out.push(id + plus);
    afterWith = false;
  }
  return out.join('');
}

/** Version numbers a text names, `2.0` and `2` alike. */
function versions(text: string): Set<string> {
  // The lookbehind starts a match only where the trailing run begins: linear, where the plain `x+$` is quadratic on a long run that is not trailing.
  return new Set([...text.matchAll(/\d+(?:\.\d+)*/g)].map((m) => m[0].replace(/(?<!\.0)(?:\.0)+$/, '')));
}

/**
 * spdx-correct guesses: `gpl` becomes GPL-3.0-or-later, `bsd` BSD-2-Clause, `apache` Apache-2.0. A
 * guess that adds a version the declaration did not name says more than the card did, so it is
 * not taken; one that only fixes spelling (`Apache 2.0`, `GPLv3`) is.
 */
function corrected(text: string): string | undefined {
  const guess = correct(text, { upgrade: false });
  if (guess === null || !isExpression(guess)) return undefined;
  const declared = versions(text);
  return [...versions(guess)].every((v) => declared.has(v)) ? guess : undefined;
}

/** `text` as a valid SPDX expression, or undefined when it is not one and cannot honestly be made one. */
export function spdxExpression(text: string): string | undefined {
  const input = text.trim();
  if (input === '' || input.length > MAX_EXPRESSION) return undefined;
  if (isExpression(input)) return input;
  const cased = caseCorrected(input);
  if (cased !== undefined && isExpression(cased)) return cased;
  return corrected(input);
}
