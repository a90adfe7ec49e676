import type { SyntaxNode } from '../tree-sitter.js';

const SIMPLE_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', v: '\v', '0': '\0', '\n': '', '\r': '', '\u2028': '', '\u2029': '' };

/** One JavaScript escape sequence (`\n`, `\x41`, `\u00e9`, `\u{1F600}`, `\'`). */
function unescapeOne(text: string): string {
  const body = text.slice(1);
  if (Object.hasOwn(SIMPLE_ESCAPES, body)) return SIMPLE_ESCAPES[body]!;
  const hex = /^(?:x([0-9a-fA-F]{2})|u([0-9a-fA-F]{4})|u\{([0-9a-fA-F]{1,6})\})$/.exec(body);
  if (hex) {
    const code = Number.parseInt(hex[1] ?? hex[2] ?? hex[3]!, 16);
    return code <= 0x10ffff ? String.fromCodePoint(code) : body;
  }
  // Any other escaped character stands for itself (`\'`, `\\`, `\"`).
  return body;
}

/**
 * The value of a string literal or a template literal without substitutions; undefined for
 * anything else (a template with `${}` is not a constant).
 */
export function stringLiteral(node: SyntaxNode): string | undefined {
  if (node.type !== 'string' && node.type !== 'template_string') return undefined;
  let value = '';
  for (const child of node.namedChildren) {
    if (!child) continue;
    if (child.type === 'string_fragment') value += child.text;
    else if (child.type === 'escape_sequence') value += unescapeOne(child.text);
    else if (child.type === 'template_substitution') return undefined;
  }
  return value;
}
