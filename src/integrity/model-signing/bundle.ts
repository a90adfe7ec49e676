import { BUNDLE_V02_MEDIA_TYPE, bundleFromJSON, type Bundle, type BundleWithDsseEnvelope } from '@sigstore/bundle';
import { BUNDLE_MEDIA_TYPE_V03, IN_TOTO_PAYLOAD_TYPE } from './format.js';

/** How far bytes got towards being a DSSE sigstore bundle carrying an in-toto statement. */
export type BundleReading =
  | { kind: 'not-json'; reason: string }
  | { kind: 'not-bundle'; reason: string }
  | { kind: 'not-dsse'; reason: string }
  | { kind: 'not-in-toto'; reason: string; bundle: BundleWithDsseEnvelope }
  | { kind: 'ok'; bundle: BundleWithDsseEnvelope };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * model_signing's certificate method writes the certificate chain under the v0.3 media type,
 * which sigstore's v0.3 rules forbid and model_signing's own reader accepts: such a bundle is
 * checked by the v0.2 rules (the same ones, chain allowed) and keeps its media type.
 */
function parseBundle(json: Record<string, unknown>): Bundle {
  const vm = json.verificationMaterial;
  if (json.mediaType === BUNDLE_MEDIA_TYPE_V03 && isObject(vm) && 'x509CertificateChain' in vm) {
    return { ...bundleFromJSON({ ...json, mediaType: BUNDLE_V02_MEDIA_TYPE }), mediaType: BUNDLE_MEDIA_TYPE_V03 };
  }
  return bundleFromJSON(json);
}

export function readBundle(bytes: Uint8Array): BundleReading {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (err) {
    return { kind: 'not-json', reason: `it is not UTF-8 JSON (${(err as Error).message.slice(0, 120)})` };
  }
  if (!isObject(json) || typeof json.mediaType !== 'string' || !json.mediaType.startsWith('application/vnd.dev.sigstore.bundle')) {
    return { kind: 'not-bundle', reason: 'it has no sigstore bundle mediaType' };
  }
  let bundle: Bundle;
  try {
    bundle = parseBundle(json);
  } catch (err) {
    const fields = (err as { fields?: unknown }).fields;
    const where = Array.isArray(fields) && fields.length > 0 ? ` (${fields.slice(0, 5).join(', ')})` : '';
    return { kind: 'not-bundle', reason: `it is not a valid sigstore bundle: ${(err as Error).message.slice(0, 120)}${where}` };
  }
  if (bundle.content.$case !== 'dsseEnvelope') return { kind: 'not-dsse', reason: 'the bundle signs a message digest, not a DSSE envelope' };
  const dsse = bundle as BundleWithDsseEnvelope;
  if (dsse.content.dsseEnvelope.payloadType !== IN_TOTO_PAYLOAD_TYPE) {
    return { kind: 'not-in-toto', reason: `the DSSE payload type is ${JSON.stringify(dsse.content.dsseEnvelope.payloadType.slice(0, 80))}, not ${IN_TOTO_PAYLOAD_TYPE}`, bundle: dsse };
  }
  return { kind: 'ok', bundle: dsse };
}
