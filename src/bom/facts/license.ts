import type { BomLicense } from '../types.js';
import { HUB_NAMED, HUB_OTHER, HUB_SPDX, NOT_A_LICENSE } from './hub-licenses.js';
import { spdxExpression } from './spdx.js';
import { byKeys } from './values.js';

/** What a card declares about its licence (`license`, `license_name`, `license_link`). */
export interface DeclaredLicense {
  ids: string[];
  name?: string;
  link?: string;
}

/** Where a relative `license_link` (`LICENSE`, `./LICENSE.md`) points, when the repo and commit are known. */
export type RepoFileUrl = (path: string) => string | undefined;

/** `license_link` as a URL: absolute http(s) as written; a repo path only where the repo is known. */
function linkUrl(link: string | undefined, repoFileUrl: RepoFileUrl): string | undefined {
  if (link === undefined) return undefined;
  if (/^https?:\/\/[^\s]+$/i.test(link)) return link;
  if (/^[a-z][a-z0-9+.-]*:/i.test(link)) return undefined;
  const path = link.replace(/^(\.\/)+/, '');
  const segments = path.split('/');
  if (path === '' || segments.some((s) => s === '' || s === '.' || s === '..') || /[\s\\]/.test(path)) return undefined;
  return repoFileUrl(path);
}

/** One declared id as a licence: SPDX where it is one, a name where it is not, nothing for `unknown`/NOASSERTION. */
function licenseOf(id: string, declared: DeclaredLicense, url: string | undefined): BomLicense | undefined {
  const lower = id.toLowerCase();
  const withUrl = url !== undefined ? { url } : {};
  if (NOT_A_LICENSE.has(lower)) return undefined;
  if (lower === HUB_OTHER) return { kind: 'named', name: declared.name ?? id, ...withUrl, declared: id };
  const hubSpdx = HUB_SPDX.get(lower);
  if (hubSpdx !== undefined) return { kind: 'spdx', expression: hubSpdx, declared: id };
  const hubName = HUB_NAMED.get(lower);
  if (hubName !== undefined) return { kind: 'named', name: hubName, ...withUrl, declared: id };
  const expression = spdxExpression(id);
  if (expression !== undefined) return { kind: 'spdx', expression, declared: id };
  return { kind: 'named', name: id, ...withUrl, declared: id };
}

/**
 * The card's licences. `license_name` names an `other` licence; `license_link` is the text of
 * whichever licence is not an SPDX one (an SPDX id needs no link). With no `license` id but a
 * name, the name is the licence.
 */
export function cardLicenses(declared: DeclaredLicense, repoFileUrl: RepoFileUrl): BomLicense[] {
  const url = linkUrl(declared.link, repoFileUrl);
  if (declared.ids.length === 0) return declared.name !== undefined ? [{ kind: 'named', name: declared.name, ...(url !== undefined ? { url } : {}), declared: declared.name }] : [];
  const out = new Map<string, BomLicense>();
  for (const id of declared.ids) {
    const license = licenseOf(id, declared, url);
    if (!license) continue;
    const key = license.kind === 'spdx' ? `spdx:${license.expression}` : `named:${license.name}`;
    if (!out.has(key)) out.set(key, license);
  }
  return [...out.values()].sort(byKeys((l) => l.kind, (l) => (l.kind === 'spdx' ? l.expression : l.name), (l) => l.declared));
}
