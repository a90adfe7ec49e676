/**
 * The worker that runs one regex against adversarial inputs. It is plain JavaScript evaluated by
 * `new Worker(source, { eval: true })`, so it needs no loader and a runaway match is ended by
 * `worker.terminate()` (V8 checks for termination inside the regex engine's backtracking loop).
 *
 * Inputs, each `length` characters (default 100 000):
 *   - every character the pattern mentions (escapes mapped to a character they match) and a base
 *     set (letters, digits, blanks, quotes, brackets, separators, non-ASCII), repeated, alone and
 *     followed by a character the pattern cannot expect (U+0001) so an anchored match must fail
 *     at the very end after trying everything before it;
 *   - every pair of the pattern's own characters, alternating, with the same ending;
 *   - the pattern's literal words (`safetensors`, `model_type`), repeated back to back and
 *     separated by a blank: near-misses of patterns that repeat a word.
 * Global regexes are applied as `replace` applies them (every match over the whole string),
 * sticky ones from index 0, others with one `exec`, as the sources use them.
 */

export interface RegexJob {
  id: number;
  source: string;
  flags: string;
  length: number;
  /**
   * Instead of `source`: a string check exported by a package (an ajv format), called on each
   * input; `source` then only seeds the characters and words of the inputs.
   */
  check?: { module: string; name: string };
}

/** Messages the worker posts: `start` before each input (the one running when time runs out), then `done`. */
export type RegexWorkerMessage = { id: number; kind: 'start'; input: string } | { id: number; kind: 'done'; inputs: number; slowestMs: number; slowest: string } | { id: number; kind: 'invalid'; error: string };

export const REGEX_WORKER_SOURCE = String.raw`
const { parentPort } = require('node:worker_threads');

const ESCAPES = { d: '0', D: 'a', w: 'a', W: ' ', s: ' ', S: 'a', n: '\n', r: '\r', t: '\t', f: '\f', v: '\v', '0': '\0', b: '', B: '' };
const BASE = ['a', 'A', 'z', '0', '9', ' ', '\t', '\n', '\r', '.', '-', '_', '/', '\\', '"', "'", ':', '=', ',', ';', '<', '>', '{', '}', '[', ']', '(', ')', '#', '@', '*', '+', '|', 'é', '\0', '\u00a0', '\u2028', '\ud83d\ude00'];
const END = '\u0001';

/** Characters a pattern mentions, escapes replaced by a character they match; and its literal words. */
function mentioned(source) {
  const chars = [];
  const words = [];
  let word = '';
  const keep = (c) => { if (c && !chars.includes(c)) chars.push(c); };
  const endWord = () => { if (word.length >= 2) words.push(word); word = ''; };
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      const n = source[++i];
      if (n === undefined) break;
      if (n in ESCAPES) { keep(ESCAPES[n]); endWord(); continue; }
      if (n === 'x') { keep(String.fromCharCode(parseInt(source.slice(i + 1, i + 3), 16))); i += 2; endWord(); continue; }
      if (n === 'u') {
        if (source[i + 1] === '{') { const close = source.indexOf('}', i); keep(String.fromCodePoint(parseInt(source.slice(i + 2, close), 16))); i = close; }
        else { keep(String.fromCharCode(parseInt(source.slice(i + 1, i + 5), 16))); i += 4; }
        endWord();
        continue;
      }
      if (n === 'p' || n === 'P') { const close = source.indexOf('}', i); i = close < 0 ? i : close; keep('a'); endWord(); continue; }
      if (n === 'k') { const close = source.indexOf('>', i); i = close < 0 ? i : close; endWord(); continue; }
      if (/[1-9]/.test(n)) { endWord(); continue; }
      keep(n);
      word += n;
      continue;
    }
    if ('^$()|?*+{}[]'.includes(c)) { endWord(); if (c === '{' || c === '}' || c === '[' || c === ']' || c === '(' || c === ')' || c === '|') keep(c); continue; }
    keep(c);
    if (c === '.') { endWord(); continue; }
    word += c;
  }
  endWord();
  return { chars, words };
}

const fill = (unit, length) => unit.repeat(Math.ceil(length / unit.length)).slice(0, length);

function inputs(source, length) {
  const { chars, words } = mentioned(source);
  const out = [];
  const all = [...chars, ...BASE.filter((c) => !chars.includes(c))];
  for (const c of all) {
    out.push([JSON.stringify(c) + ' x ' + length, fill(c, length)]);
    out.push([JSON.stringify(c) + ' x ' + length + ' + U+0001', fill(c, length) + END]);
  }
  const own = chars.slice(0, 12);
  for (const a of own) for (const b of own) if (a !== b) out.push([JSON.stringify(a + b) + ' x ' + length / 2 + ' + U+0001', fill(a + b, length) + END]);
  for (const w of words.slice(0, 8)) {
    out.push([JSON.stringify(w) + ' repeated + U+0001', fill(w, length) + END]);
    out.push([JSON.stringify(w + ' ') + ' repeated + U+0001', fill(w + ' ', length) + END]);
    out.push([JSON.stringify(w.slice(0, -1)) + ' repeated + U+0001', fill(w.slice(0, -1), length) + END]);
  }
  if (words.length > 1) out.push(['all literal words joined, repeated', fill(words.join(''), length) + END]);
  return out;
}

function apply(re, text) {
  if (re.global) return text.replace(re, '');
  re.lastIndex = 0;
  return re.exec(text);
}

/** A format check as ajv calls it: a RegExp, a function, or \`{ validate }\` holding either. */
function checker(check) {
  const mod = require(check.module);
  const format = check.name === 'default' ? mod.default || mod : (mod.fullFormats && check.name in mod.fullFormats ? mod.fullFormats : mod)[check.name];
  const inner = format instanceof RegExp || typeof format === 'function' ? format : format && format.validate;
  if (inner instanceof RegExp) return (text) => inner.test(text);
  if (typeof inner === 'function') return inner;
  throw new Error('no check named ' + check.name + ' in ' + check.module);
}

parentPort.on('message', (job) => {
  let run;
  try {
    if (job.check) run = checker(job.check);
    else {
      const re = new RegExp(job.source, job.flags);
      run = (text) => apply(re, text);
    }
  } catch (err) {
    parentPort.postMessage({ id: job.id, kind: 'invalid', error: String(err && err.message) });
    return;
  }
  let slowestMs = 0;
  let slowest = '';
  const list = inputs(job.source, job.length);
  for (const [label, text] of list) {
    parentPort.postMessage({ id: job.id, kind: 'start', input: label });
    const t = process.hrtime.bigint();
    run(text);
    const ms = Number(process.hrtime.bigint() - t) / 1e6;
    if (ms > slowestMs) { slowestMs = ms; slowest = label; }
  }
  parentPort.postMessage({ id: job.id, kind: 'done', inputs: list.length, slowestMs, slowest });
});
`;
