import { buildCycloneDx } from './cyclonedx/build.js';
import type { CdxSpecVersion } from './cyclonedx/types.js';
import { buildSpdx } from './spdx/build.js';
import { BOM_SPECS, type BomFacts, type BomSpec, type BomWriteResult } from './types.js';
import { validateCycloneDx } from './validate/cyclonedx.js';
import { checkFacts } from './validate/facts.js';
import { validateSpdx } from './validate/spdx.js';

/** Object keys in code-unit order at every level (arrays keep the order the builders chose). */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined) out[key] = sortKeys(v);
  }
  return out;
}

/** 2-space JSON, sorted keys, a final newline: the same document always gives the same bytes. */
export function canonicalJson(doc: unknown): string {
  return `${JSON.stringify(sortKeys(doc), null, 2)}\n`;
}

const CYCLONEDX: Partial<Record<BomSpec, CdxSpecVersion>> = { 'cyclonedx-1.6': '1.6', 'cyclonedx-1.7': '1.7' };

/**
 * Writes the facts as a BOM of the given spec and validates the exact text before handing it back:
 * CycloneDX against the official schema of its version plus reference checks, SPDX 3.0.1 against the
 * profiles' required fields and relationships. Invalid facts or an invalid document give every error
 * found and no text; this never throws.
 */
export function writeBom(facts: BomFacts, spec: BomSpec): BomWriteResult {
  if (!BOM_SPECS.includes(spec)) return { ok: false, errors: [`spec: ${JSON.stringify(spec)} is not one of ${BOM_SPECS.join(', ')}`] };
  try {
    const checked = checkFacts(facts);
    if (!checked.ok) return { ok: false, errors: checked.errors.map((e) => `facts: ${e}`) };
    const version = CYCLONEDX[spec];
    const text = canonicalJson(version ? buildCycloneDx(checked.view, version) : buildSpdx(checked.view));
    // Validate what will be written, as a reader will parse it.
    const written: unknown = JSON.parse(text);
    const errors = version ? validateCycloneDx(written, version) : validateSpdx(written).map((e) => `spdx: ${e}`);
    return errors.length ? { ok: false, errors } : { ok: true, text };
  } catch (err) {
    // A bug here must still end in a listed error (exit 2), not a stack trace.
    return { ok: false, errors: [`internal: ${err instanceof Error ? err.message : String(err)}`] };
  }
}
