import { PackageURL } from 'packageurl-js';
import { parseHubRef } from '../../sources/hub/ref.js';
import type { ModelRef } from '../../types.js';

export interface HubName {
  repo: string;
  repoType: ModelRef['repoType'];
  revision?: string;
}

const PURL_TYPE_PREFIX: Readonly<Record<string, 'datasets/' | 'spaces/'>> = { datasets: 'datasets/', spaces: 'spaces/' };

/** Hosts of the public Hub: a download location elsewhere names no Hub repository. */
const HUB_HOSTS = new Set(['huggingface.co', 'www.huggingface.co', 'hf.co']);

/**
 * The Hub repository a `pkg:huggingface/[org/]name[@revision]` purl names (purl-spec's huggingface
 * type: the version is the commit, lowercased by the spec). Tools that list datasets write a
 * `datasets/` namespace prefix. The repo id must be one the Hub accepts; the revision is kept as
 * written, whatever it is, so the rules can judge it.
 */
export function hubNameOfPurl(purl: string): HubName | undefined {
  let parsed: PackageURL;
  try {
    parsed = PackageURL.fromString(purl);
  } catch {
    return undefined;
  }
  if (parsed.type !== 'huggingface' || !parsed.name) return undefined;
  const namespace = parsed.namespace ?? '';
  const slash = namespace.indexOf('/');
  const prefix = slash > 0 ? PURL_TYPE_PREFIX[namespace.slice(0, slash)] : undefined;
  const org = prefix ? namespace.slice(slash + 1) : namespace;
  const id = org ? `${org}/${parsed.name}` : parsed.name;
  const ref = parseHubRef(`hf:${prefix ?? ''}${id}`);
  if (!ref) return undefined;
  return { repo: ref.repo, repoType: ref.repoType, ...(parsed.version !== undefined && parsed.version !== '' ? { revision: parsed.version } : {}) };
}

/** The Hub repository a huggingface.co URL names (`https://huggingface.co/org/name[/tree|blob|resolve/<rev>/…]`). */
export function hubNameOfUrl(url: string): HubName | undefined {
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    return undefined;
  }
  if (!HUB_HOSTS.has(host)) return undefined;
  const ref = parseHubRef(url);
  if (!ref) return undefined;
  return { repo: ref.repo, repoType: ref.repoType, ...(ref.revision !== undefined ? { revision: ref.revision } : {}) };
}
