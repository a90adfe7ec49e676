import { parse, tokenize } from '@huggingface/jinja';
import type { JinjaNode, ProgramNode, TokenLike } from './ast.js';
import { childNodes } from './ast.js';
import { NAMED_GADGETS } from './gadgets.js';

// The package's declaration files import './lexer' without an extension, which NodeNext
// resolution does not follow: its functions arrive untyped, so they are typed here.
const lex = tokenize as (source: string, options: { lstrip_blocks: boolean; trim_blocks: boolean }) => TokenLike[];
const parseProgram = parse as (tokens: TokenLike[]) => unknown;

/** Tokens the way transformers' environment reads templates (trim_blocks, lstrip_blocks). Throws on a lexer error. */
export function lexTemplate(text: string): TokenLike[] {
  return lex(text, { lstrip_blocks: true, trim_blocks: true }).map((t) => ({ value: t.value, type: t.type }));
}

/** Parses tokens into the AST. Throws on a syntax error (and RangeError when nesting exhausts the stack). */
export function parseTokens(tokens: readonly TokenLike[]): ProgramNode {
  return parseProgram([...tokens]) as ProgramNode;
}

export type LoadKeyword = 'include' | 'import' | 'from' | 'extends';

/** A statement that makes the loader fetch another template. */
export interface LoadStatement {
  keyword: LoadKeyword;
  /** The statement as written (tokens re-joined). */
  text: string;
}

const tokenText = (t: TokenLike): string => (t.type === 'StringLiteral' ? `'${t.value}'` : t.value);

const open = (): TokenLike => ({ value: '{{', type: 'OpenExpression' });
const close = (): TokenLike => ({ value: '}}', type: 'CloseExpression' });
const isWord = (t: TokenLike | undefined, word: string): boolean => t?.type === 'Identifier' && t.value === word;

/** Splits a token run at commas outside brackets. */
function splitTopLevel(tokens: readonly TokenLike[]): TokenLike[][] {
  const parts: TokenLike[][] = [[]];
  let depth = 0;
  for (const t of tokens) {
    if (t.type === 'OpenParen' || t.type === 'OpenSquareBracket' || t.type === 'OpenCurlyBracket') depth++;
    if (t.type === 'CloseParen' || t.type === 'CloseSquareBracket' || t.type === 'CloseCurlyBracket') depth--;
    if (t.type === 'Comma' && depth === 0) parts.push([]);
    else parts[parts.length - 1].push(t);
  }
  return parts;
}

/** The index of the first top-level identifier `word` in a run, or the run's length. */
function indexOfWord(tokens: readonly TokenLike[], word: string): number {
  let depth = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.type === 'OpenParen' || t.type === 'OpenSquareBracket' || t.type === 'OpenCurlyBracket') depth++;
    if (t.type === 'CloseParen' || t.type === 'CloseSquareBracket' || t.type === 'CloseCurlyBracket') depth--;
    if (depth === 0 && isWord(t, word)) return i;
  }
  return tokens.length;
}

/** `include` may end with `ignore missing` and `with context` / `without context`. */
function stripIncludeModifiers(tokens: TokenLike[]): TokenLike[] {
  let end = tokens.length;
  if (end >= 2 && (isWord(tokens[end - 2], 'with') || isWord(tokens[end - 2], 'without')) && isWord(tokens[end - 1], 'context')) end -= 2;
  if (end >= 2 && isWord(tokens[end - 2], 'ignore') && isWord(tokens[end - 1], 'missing')) end -= 2;
  return tokens.slice(0, end);
}

/**
 * Jinja2 statements @huggingface/jinja does not parse, rewritten so the rest of the template is
 * still parsed and analysed: template loading (`include`, `import`, `from … import`, `extends`)
 * is recorded and its name expression kept as an expression; `block`/`endblock` markers are
 * dropped (their bodies stay); `with a = x` becomes `set` statements; `do x` becomes `{{ x }}`.
 * Anything else is left for the parser to accept or reject.
 */
export function rewriteStatements(tokens: readonly TokenLike[]): { tokens: TokenLike[]; loads: LoadStatement[] } {
  const out: TokenLike[] = [];
  const loads: LoadStatement[] = [];
  let i = 0;
  while (i < tokens.length) {
    const t = tokens[i];
    const keyword = t.type === 'OpenStatement' && tokens[i + 1]?.type === 'Identifier' ? tokens[i + 1].value : null;
    let end = -1;
    if (keyword !== null) {
      for (let j = i + 2; j < tokens.length; j++) {
        if (tokens[j].type === 'CloseStatement') {
          end = j;
          break;
        }
        if (tokens[j].type === 'OpenStatement' || tokens[j].type === 'OpenExpression') break;
      }
    }
    if (keyword === null || end < 0) {
      out.push(t);
      i++;
      continue;
    }
    const inner = tokens.slice(i + 2, end);
    const emit = (expr: TokenLike[]): void => {
      if (expr.length > 0) out.push(open(), ...expr, close());
    };
    let handled = true;
    switch (keyword) {
      case 'include':
      case 'import':
      case 'from':
      case 'extends': {
        loads.push({ keyword, text: `{% ${[keyword, ...inner.map(tokenText)].join(' ')} %}` });
        if (keyword === 'include') emit(stripIncludeModifiers(inner));
        else if (keyword === 'import') emit(inner.slice(0, indexOfWord(inner, 'as')));
        else if (keyword === 'from') emit(inner.slice(0, indexOfWord(inner, 'import')));
        else emit(inner);
        break;
      }
      case 'block':
      case 'endblock':
      case 'endwith':
      case 'endautoescape':
        break;
      case 'do':
      case 'autoescape':
        emit(inner);
        break;
      case 'with': {
        const assignments = inner.length === 0 ? [] : splitTopLevel(inner);
        const valid = assignments.every((a) => a.length >= 3 && a[0].type === 'Identifier' && a[1].type === 'Equals');
        if (!valid) {
          handled = false;
          break;
        }
        for (const a of assignments) out.push({ value: '{%', type: 'OpenStatement' }, { value: 'set', type: 'Identifier' }, ...a, { value: '%}', type: 'CloseStatement' });
        break;
      }
      default:
        handled = false;
    }
    if (!handled) {
      out.push(t);
      i++;
      continue;
    }
    i = end + 1;
  }
  return { tokens: out, loads };
}

const KEYWORDS = new Set(['in', 'not', 'and', 'or', 'if', 'else', 'is']);

/** Whether `(` at this position opens a call's argument list (after a name, a call or a subscript). */
function opensCall(previous: TokenLike | undefined): boolean {
  if (!previous) return false;
  if (previous.type === 'Identifier') return !KEYWORDS.has(previous.value);
  return previous.type === 'CloseParen' || previous.type === 'CloseSquareBracket' || previous.type === 'StringLiteral';
}

/**
 * A numeric token the lexer never produces (its value parses to NaN): it marks list brackets that
 * stand for a tuple, so the parsed list can be turned back into the tuple it was.
 */
const TUPLE_MARK: TokenLike = { value: 'tuple.', type: 'NumericLiteral' };

/**
 * Jinja2 has the empty tuple `()` and one-element tuples `(x,)`; @huggingface/jinja rejects both
 * (and any trailing comma in parentheses). Such groups are handed to the parser as marked list
 * brackets (`[mark]`, `[mark, x]`) and `restoreTuples` turns the lists back into tuples: the
 * same elements, so every name and value the analysis follows is unchanged.
 */
export function normaliseTuples(tokens: readonly TokenLike[]): TokenLike[] {
  const out: Array<TokenLike | TokenLike[]> = tokens.map((t) => ({ ...t }));
  const stack: Array<{ index: number; call: boolean }> = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.type === 'OpenParen') stack.push({ index: i, call: opensCall(tokens[i - 1]) });
    else if (t.type === 'CloseParen') {
      const opened = stack.pop();
      if (!opened || opened.call) continue;
      const empty = opened.index === i - 1;
      const trailing = tokens[i - 1]?.type === 'Comma';
      if (!empty && !trailing) continue;
      const open = { value: '[', type: 'OpenSquareBracket' };
      out[opened.index] = empty ? [open, { ...TUPLE_MARK }] : [open, { ...TUPLE_MARK }, { value: ',', type: 'Comma' }];
      if (trailing) out[i - 1] = [];
      out[i] = { value: ']', type: 'CloseSquareBracket' };
    } else if (t.type === 'OpenStatement' || t.type === 'OpenExpression' || t.type === 'CloseStatement' || t.type === 'CloseExpression') {
      stack.length = 0;
    }
  }
  return out.flat();
}

/** Turns the marked lists `normaliseTuples` made back into tuple literals (in place). */
export function restoreTuples(program: ProgramNode, maxDepth: number): void {
  const stack: Array<{ node: JinjaNode; depth: number }> = [{ node: program, depth: 0 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    if (depth > maxDepth) continue;
    if (node.type === 'ArrayLiteral') {
      const first = node.value[0];
      if (first?.type === 'FloatLiteral' && Number.isNaN(first.value)) {
        (node as { type: string }).type = 'TupleLiteral';
        node.value = node.value.slice(1);
      }
    }
    for (const c of childNodes(node)) stack.push({ node: c, depth: depth + 1 });
  }
}

const BLOCK_OPENERS = new Set(['if', 'for', 'macro', 'call', 'filter']);

/**
 * How deep the parser will recurse, read off the token stream before it runs: one level per
 * bracket and block statement, plus, within one tag, every `not`, unary sign and ternary `else`
 * (each of which the recursive-descent parser handles by recursing).
 */
export function nestingDepth(tokens: readonly TokenLike[]): number {
  let brackets = 0;
  let blocks = 0;
  let inTag = 0;
  let max = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    switch (t.type) {
      case 'OpenParen':
      case 'OpenSquareBracket':
      case 'OpenCurlyBracket':
        brackets++;
        break;
      case 'CloseParen':
      case 'CloseSquareBracket':
      case 'CloseCurlyBracket':
        brackets = Math.max(0, brackets - 1);
        break;
      case 'CloseStatement':
      case 'CloseExpression':
        inTag = 0;
        break;
      case 'UnaryOperator':
        inTag++;
        break;
      case 'Identifier':
        if ((t.value === 'not' || t.value === 'else') && tokens[i - 1]?.type !== 'OpenStatement') inTag++;
        break;
      case 'OpenStatement': {
        const keyword = tokens[i + 1]?.type === 'Identifier' ? tokens[i + 1].value : '';
        if (BLOCK_OPENERS.has(keyword)) blocks++;
        else if (keyword === 'set') {
          let j = i + 2;
          while (j < tokens.length && tokens[j].type !== 'CloseStatement' && tokens[j].type !== 'Equals') j++;
          if (tokens[j]?.type === 'CloseStatement') blocks++;
        } else if (keyword.startsWith('end')) blocks = Math.max(0, blocks - 1);
        break;
      }
      default:
        break;
    }
    max = Math.max(max, brackets + blocks + inTag);
  }
  return max;
}

/** A dunder, a name-mangled private (`_TemplateReference__context`) or a named gadget. */
function isStrongGadget(name: string): boolean {
  return (name.startsWith('_') && name.includes('__') && name.length > 3) || NAMED_GADGETS.has(name);
}

/**
 * For a template that could not be parsed: gadget names its tokens still show, as an attribute
 * after a dot or as a whole string literal. The AST is not there to decide, so only names with no
 * innocent reading count.
 */
export function gadgetTokenNames(tokens: readonly TokenLike[]): string[] {
  const found = new Set<string>();
  tokens.forEach((t, i) => {
    if (t.type === 'Identifier' && tokens[i - 1]?.type === 'Dot' && isStrongGadget(t.value)) found.add(t.value);
    if (t.type === 'StringLiteral' && isStrongGadget(t.value)) found.add(t.value);
  });
  return [...found];
}
