/**
 * How deeply a YAML text nests, estimated in one linear pass before any parser sees it. The
 * `yaml` package recurses once per level, and on Node 20 a few thousand levels (`a: {{{{…`, or
 * `- - - -…`) can abort the whole process on a later parse — no exception to catch. Texts nested
 * deeper than any real config are refused before parsing instead.
 *
 * The estimate counts open flow collections (`{`, `[`, outside quotes and comments), compact
 * block entries on one line (`- - - x`, `? ? x`) and the stack of indentation levels. It may
 * overestimate (a `{` inside a plain scalar counts), never underestimate what the parser recurses on.
 */
export function yamlNestingDepth(text: string): number {
  let max = 0;
  let flow = 0;
  const indents: number[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    // Start of a line: indentation, then compact block indicators.
    let col = 0;
    while (i < n && text.charCodeAt(i) === 0x20) {
      i++;
      col++;
    }
    let compact = 0;
    while (i + 1 < n && (text[i] === '-' || text[i] === '?' || text[i] === ':') && (text[i + 1] === ' ' || text[i + 1] === '\t')) {
      compact++;
      i += 2;
      while (i < n && (text[i] === ' ' || text[i] === '\t')) i++;
    }
    const blank = i >= n || text[i] === '\n' || text[i] === '\r' || text[i] === '#';
    if (!blank && flow === 0) {
      while (indents.length > 0 && indents[indents.length - 1]! >= col) indents.pop();
      indents.push(col);
    }
    // The rest of the line: flow brackets outside quotes and comments.
    let prevSpace = true;
    while (i < n && text[i] !== '\n') {
      const c = text[i]!;
      if (c === '#' && prevSpace) {
        while (i < n && text[i] !== '\n') i++;
        break;
      }
      if (c === '"' || c === "'") {
        const quote = c;
        for (i++; i < n; i++) {
          if (quote === '"' && text[i] === '\\') i++;
          else if (text[i] === quote) {
            if (quote === "'" && text[i + 1] === "'") i++;
            else break;
          }
        }
      } else if (c === '{' || c === '[') flow++;
      else if ((c === '}' || c === ']') && flow > 0) flow--;
      max = Math.max(max, flow + indents.length + compact);
      prevSpace = c === ' ' || c === '\t';
      i++;
    }
    max = Math.max(max, flow + indents.length + compact);
    i++;
  }
  return max;
}

/** Deeper than any real config or model card; the parser's recursion is still far from its limits. */
export const MAX_YAML_NESTING = 200;
