import { expect } from 'chai';
import { classifyGlobal } from '../../src/policy/index.js';
import type { GlobalVerdict, PolicyOptions } from '../../src/policy/index.js';

/** `module name` as a GLOBAL opcode writes it, then the expected effective callable. */
export type DenyCase = [module: string, name: string, resolvedAs: string];

export function expectDenied(module: string, name: string, resolvedAs: string, opts?: PolicyOptions): Extract<GlobalVerdict, { verdict: 'denied' }> {
  const v = classifyGlobal(module, name, opts);
  expect(v, `${module} ${name}`).to.include({ verdict: 'denied', resolvedAs });
  const d = v as Extract<GlobalVerdict, { verdict: 'denied' }>;
  expect(d.reason, `${module} ${name} reason`).to.be.a('string').and.not.empty;
  expect(d.source, `${module} ${name} source`).to.be.a('string').and.not.empty;
  return d;
}

export function expectAllDenied(cases: DenyCase[]): void {
  for (const [m, n, r] of cases) expectDenied(m, n, r);
}

export function expectAllowed(module: string, name: string, opts?: PolicyOptions): void {
  const v = classifyGlobal(module, name, opts);
  expect(v.verdict, `${module} ${name}: ${JSON.stringify(v)}`).to.equal('allowed');
}

export function expectUnknown(module: string, name: string, resolvedAs?: string, opts?: PolicyOptions): void {
  const v = classifyGlobal(module, name, opts);
  expect(v.verdict, `${module} ${name}: ${JSON.stringify(v)}`).to.equal('unknown');
  if (resolvedAs !== undefined) expect(v).to.deep.equal({ verdict: 'unknown', resolvedAs });
}
