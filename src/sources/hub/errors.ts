import { UsageError } from '../../util/errors.js';

export type HubErrorKind =
  | 'auth'
  | 'bad-token'
  | 'bad-endpoint'
  | 'repo-not-found'
  | 'revision-not-found'
  | 'entry-not-found'
  | 'network'
  | 'rate-limited'
  | 'server'
  | 'bad-response'
  | 'integrity'
  | 'no-content-hash';

/** Tokens the process was given: removed from every message, wherever a server or library echoed them. */
const secrets = new Set<string>();

/** Hugging Face user tokens (`hf_` + 30-odd characters) and legacy org tokens; shorter ones (file names like `hf_model.bin`) are left alone. */
const TOKEN_PATTERN = /\b(hf_|api_org_)[A-Za-z0-9]{20,}/g;

export function registerSecret(token: string): void {
  if (token.length > 0) secrets.add(token);
}

/** Removes tokens, URL credentials and control characters, and folds the text onto one line. */
export function redact(text: string): string {
  let out = text;
  for (const secret of secrets) out = out.split(secret).join('***');
  out = out.replace(TOKEN_PATTERN, '$1***');
  // Credentials in any scheme's URL (`ftp://user:pass@` is echoed by the bad-endpoint message too); the scheme is bounded so the match stays linear.
  out = out.replace(/(\b[a-z][a-z0-9+.-]{0,31}:\/\/)[^/\s@]*@/gi, '$1***@');
  // Server text reaches the terminal: no escape sequences, no line breaks.
  out = out.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ');
  return out.replace(/ {2,}/g, ' ').trim();
}

/**
 * A Hub failure the user can act on. It is a UsageError so the CLI prints the one-line message
 * and exits 2; the message is redacted when built, so no token can reach output, logs or stacks.
 */
export class HubError extends UsageError {
  override name = 'HubError';
  readonly kind: HubErrorKind;
  /** The HTTP status that caused it, when there was one. */
  readonly status?: number;

  constructor(kind: HubErrorKind, message: string, status?: number) {
    super(redact(message));
    this.kind = kind;
    if (status !== undefined) this.status = status;
  }
}

/** Untrusted server text, short enough for one line. */
export function serverText(text: string | null | undefined, max = 200): string | undefined {
  if (!text) return undefined;
  const clean = redact(text);
  if (clean.length === 0) return undefined;
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}
