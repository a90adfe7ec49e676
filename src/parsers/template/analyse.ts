import { createHash } from 'node:crypto';
import type { Anomaly } from '../../types.js';
import { anomaly } from '../anomaly.js';
import { TEMPLATE_CODES } from './codes.js';
import { inspectProgram } from './inspect.js';
import { DEFAULT_TEMPLATE_LIMITS, EVALUATION_BOUNDS, type TemplateLimits } from './limits.js';
import { normalisePythonEscapes, shortenWhitespaceRuns } from './text.js';
import { gadgetTokenNames, lexTemplate, nestingDepth, normaliseTuples, parseTokens, restoreTuples, rewriteStatements } from './tokens.js';
import type { TokenLike } from './ast.js';
import type { ChatTemplateArtifact, TemplateOrigin } from './types.js';

/** The first line of whatever was thrown, short enough for a message. */
const firstLine = (err: unknown): string => {
  const text = err instanceof Error ? err.message : String(err);
  const line = text.split('\n', 1)[0];
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
};

/** When the AST is not there, the tokens may still show a gadget name: that is reported as the escape it is. */
function tokenFallback(tokens: readonly TokenLike[]): Anomaly[] {
  const names = gadgetTokenNames(tokens);
  if (names.length === 0) return [];
  const shown = names.slice(0, 6).map((n) => `\`${n}\``).join(', ');
  return [anomaly(TEMPLATE_CODES.gadgetToken, `the chat template could not be checked, yet its tokens name ${shown}, attributes that only serve sandbox escapes`, undefined, { names })];
}

/** Everything the analysis finds in a template's text; never throws. */
export function analyseTemplateText(text: string, limits: TemplateLimits = DEFAULT_TEMPLATE_LIMITS): Anomaly[] {
  try {
    return analyse(text, limits);
  } catch (err) {
    // Stages before the parser are not expected to throw; if one does, the template is unchecked, not a crash.
    return [anomaly(err instanceof RangeError ? TEMPLATE_CODES.resourceLimit : TEMPLATE_CODES.unparsed, `the chat template could not be analysed (${firstLine(err)}), so it was not checked`, undefined, { stage: 'analysis', error: firstLine(err) })];
  }
}

function analyse(text: string, limits: TemplateLimits): Anomaly[] {
  if (text.length > limits.maxTemplateChars) {
    return [anomaly(TEMPLATE_CODES.resourceLimit, `the chat template is ${text.length} characters long, over the ${limits.maxTemplateChars}-character analysis limit, so it was not checked`, undefined, { length: text.length, limit: limits.maxTemplateChars, what: 'size' })];
  }
  const prepared = shortenWhitespaceRuns(normalisePythonEscapes(text), EVALUATION_BOUNDS.maxWhitespaceRun);
  let tokens: TokenLike[];
  try {
    tokens = lexTemplate(prepared.text);
  } catch (err) {
    return [anomaly(TEMPLATE_CODES.unparsed, `the chat template could not be tokenized (${firstLine(err)}), so it was not checked; a Jinja2 loader may still render it`, undefined, { stage: 'lexer', error: firstLine(err) })];
  }
  const rewritten = rewriteStatements(normaliseTuples(tokens));
  const depth = nestingDepth(rewritten.tokens);
  if (depth > limits.maxNesting) {
    return [
      anomaly(TEMPLATE_CODES.resourceLimit, `the chat template nests ${depth} levels deep, over the ${limits.maxNesting}-level analysis limit, so it was not checked`, undefined, { depth, limit: limits.maxNesting, what: 'nesting' }),
      ...tokenFallback(rewritten.tokens),
    ];
  }
  let program;
  try {
    program = parseTokens(rewritten.tokens);
  } catch (err) {
    const message = firstLine(err);
    const stack = err instanceof RangeError;
    return [
      stack
        ? anomaly(TEMPLATE_CODES.resourceLimit, 'the chat template nests too deeply for the parser, so it was not checked', undefined, { what: 'parser-stack' })
        : anomaly(TEMPLATE_CODES.unparsed, `the chat template could not be parsed (${message}), so it was not checked; a Jinja2 loader may still render it`, undefined, { stage: 'parser', error: message }),
      ...tokenFallback(rewritten.tokens),
    ];
  }
  try {
    restoreTuples(program, limits.maxAstDepth);
    return inspectProgram(program, { text, loads: rewritten.loads, positionsExact: !prepared.shortened, maxAstDepth: limits.maxAstDepth });
  } catch (err) {
    // A bug or an exhausted stack in the analysis: the template is unchecked, which is a finding, not a crash.
    const message = firstLine(err);
    return [anomaly(err instanceof RangeError ? TEMPLATE_CODES.resourceLimit : TEMPLATE_CODES.unparsed, `the chat template could not be analysed (${message}), so it was not checked`, undefined, { stage: 'analysis', error: message }), ...tokenFallback(rewritten.tokens)];
  }
}

/**
 * A chat template as an artifact: its hash for the BOM and what rendering it would do, found by
 * parsing it (never rendering it). `path` is the template's own display path (`tokenizer_config.json!chat_template`).
 */
export function chatTemplateArtifact(text: string, path: string, origin: TemplateOrigin, name?: string, limits: TemplateLimits = DEFAULT_TEMPLATE_LIMITS): ChatTemplateArtifact {
  const bytes = Buffer.from(text, 'utf8');
  return {
    path,
    format: 'chat-template',
    size: bytes.length,
    anomalies: analyseTemplateText(text, limits),
    children: [],
    template: { origin, ...(name !== undefined ? { name } : {}), sha256: createHash('sha256').update(bytes).digest('hex'), length: text.length },
  };
}
