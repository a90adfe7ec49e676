/**
 * Every anomaly code the BOM family records; `bom/malformed` reports them all (medium: a BOM that
 * cannot be read, or is read only in part, vouches for nothing it did not say).
 */
export const BOM_CODES = {
  /** Not UTF-8, not JSON, not an object, or not a CycloneDX / SPDX document where its name promises one. */
  malformed: 'bom/malformed',
  /** Over the size cap (not read), or more components or deeper nesting than the limits (the rest not read). */
  limit: 'bom/limit',
  /** A spec version outside the ones modelvet knows (CycloneDX 1.2–1.7, SPDX 2.2/2.3, SPDX 3.0.x): read as the nearest known shape. */
  unsupportedVersion: 'bom/unsupported-version',
  /** Named for one spec (`*.cdx.json`) while holding the other: tools that go by the name will not read it. */
  kindMismatch: 'bom/kind-mismatch',
} as const;

export type BomCode = (typeof BOM_CODES)[keyof typeof BOM_CODES];

export const isBomCode = (code: string): boolean => (Object.values(BOM_CODES) as string[]).includes(code);
