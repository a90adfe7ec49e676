/** How many names a message lists before "and N more"; evidence carries the full list. */
export const LISTED = 5;
/** Longest name a message shows whole; a repo path can be as long as the Hub allows. */
const NAME_CHARS = 120;

export const shown = (name: string): string => (name.length > NAME_CHARS ? `${name.slice(0, NAME_CHARS - 1)}…` : name);

/** `a`, `a and b`, `a, b and c`, `a, b, c, d, e and 7 more`. */
export function listNames(names: readonly string[], max = LISTED): string {
  const head = names.slice(0, max).map(shown);
  const rest = names.length - head.length;
  if (rest > 0) return `${head.join(', ')} and ${rest} more`;
  if (head.length <= 1) return head.join('');
  return `${head.slice(0, -1).join(', ')} and ${head[head.length - 1]}`;
}

export const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;
