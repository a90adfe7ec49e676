/** Control characters, and the bidirectional overrides that make text read differently from its bytes. */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Keys and tensor names come from the file: in a message or a path they are shown with control
 * and bidi characters escaped (a terminal must not run a name's escape sequences) and cut short.
 */
export function printable(s: string, max = 120): string {
  const safe = s.replace(UNSAFE, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return safe.length > max ? `${safe.slice(0, max)}…` : safe;
}
