import type { AnalyseContext } from '../../engine/format-handler.js';
import type { Anomaly, ByteReader } from '../../types.js';
import { anomaly } from '../anomaly.js';
import { CODE_CODES } from './codes.js';
import { extractJs } from './javascript/extract.js';
import { modelRefsOf } from './model-refs.js';
import { cellLocation, notebookModule } from './notebook.js';
import { extractPython } from './python/extract.js';
import { parseBudgetMs } from './limits.js';
import { readSourceText } from './source-text.js';
import { countSyntaxErrors } from './syntax.js';
import { parseSource, type Grammar, type SyntaxNode } from './tree-sitter.js';
import type { CodeArtifact, CodeCall, CodeLanguage } from './types.js';

/** What a source file is, by its name: the artifact format, the language, and the grammar that reads it. */
export interface SourceKind {
  format: CodeArtifact['format'];
  language: CodeLanguage;
  grammar: Grammar;
}

interface Extraction {
  calls: CodeCall[];
  imports: string[];
  syntaxErrors: number;
}

const EMPTY: Extraction = { calls: [], imports: [], syntaxErrors: 0 };

type Reader = (root: SyntaxNode, deadline: number) => Omit<Extraction, 'syntaxErrors'> | undefined;

const timedOut = (text: string, budgetMs: number): Anomaly =>
  anomaly(CODE_CODES.parseTimeout, `parsing the source ran past its ${budgetMs} ms time budget (limits.codeParseTimeMs) and was abandoned, so what it loads was not checked`, undefined, { characters: text.length, limit: budgetMs });

/** Parses text and extracts from the tree, which is freed whatever happens; a parse that fails or runs out of time is an anomaly. */
async function extract(grammar: Grammar, text: string, read: Reader, anomalies: Anomaly[], budgetMs: number): Promise<Extraction> {
  const outcome = await parseSource(grammar, text, budgetMs);
  if ('timedOut' in outcome) {
    anomalies.push(timedOut(text, budgetMs));
    return EMPTY;
  }
  if ('error' in outcome) {
    anomalies.push(anomaly(CODE_CODES.parseError, `the source could not be parsed (${outcome.error}), so what it loads was not checked`));
    return EMPTY;
  }
  try {
    const root = outcome.tree.rootNode;
    const found = read(root, outcome.deadline);
    if (!found) {
      anomalies.push(timedOut(text, budgetMs));
      return EMPTY;
    }
    return { ...found, syntaxErrors: countSyntaxErrors(root) };
  } finally {
    outcome.tree.delete();
  }
}

function artifact(reader: ByteReader, context: AnalyseContext, kind: SourceKind, found: Extraction, anomalies: Anomaly[], cells?: number): CodeArtifact {
  return {
    path: context.path,
    format: kind.format,
    size: reader.size,
    anomalies,
    children: [],
    modelRefs: modelRefsOf(found.calls, kind.language),
    code: { language: kind.language, calls: found.calls, imports: found.imports, syntaxErrors: found.syntaxErrors, ...(cells !== undefined ? { cells } : {}) },
  };
}

async function analyseNotebook(text: string, anomalies: Anomaly[], budgetMs: number): Promise<{ found: Extraction; cells?: number }> {
  const module = notebookModule(text);
  if ('anomaly' in module) {
    anomalies.push(module.anomaly);
    return { found: EMPTY };
  }
  anomalies.push(...module.anomalies);
  const cells = module.cellStarts.length;
  // A notebook for another kernel (R, Julia) holds no Python to read.
  if (module.foreignLanguage !== undefined) return { found: EMPTY, cells };
  const found = await extract('python', module.text, extractPython, anomalies, budgetMs);
  for (const call of found.calls) call.location = cellLocation(call.location, module.cellStarts);
  return { found, cells };
}

/** Reads a Python file, notebook or JavaScript/TypeScript file into a `CodeArtifact`; bad input becomes anomalies, never a throw. */
export async function analyseSource(reader: ByteReader, context: AnalyseContext, kind: SourceKind): Promise<CodeArtifact> {
  const anomalies: Anomaly[] = [];
  const budgetMs = parseBudgetMs(context.options);
  try {
    const source = await readSourceText(reader, context, kind.format === 'notebook' ? 'notebook' : kind.language === 'python' ? 'python' : 'javascript');
    if ('anomaly' in source) return artifact(reader, context, kind, EMPTY, [source.anomaly]);
    if (kind.format === 'notebook') {
      const { found, cells } = await analyseNotebook(source.text, anomalies, budgetMs);
      return artifact(reader, context, kind, found, anomalies, cells ?? 0);
    }
    const read = kind.language === 'python' ? extractPython : extractJs;
    return artifact(reader, context, kind, await extract(kind.grammar, source.text, read, anomalies, budgetMs), anomalies);
  } catch (err) {
    // Fail closed: whatever went wrong, the file is reported as not analysed.
    anomalies.push(anomaly(CODE_CODES.parseError, `the source could not be analysed (${(err as Error).message}), so what it loads was not checked`));
    return artifact(reader, context, kind, EMPTY, anomalies);
  }
}
