/**
 * Every regular expression in modelvet's sources, found by parsing them with the TypeScript
 * compiler (a grep would miss a `/` inside a string and see regexes in comments): each literal,
 * and each `new RegExp(...)` whose pattern is a constant the compiler can print.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));

export interface SourceRegex {
  /** `src/parsers/x.ts:12`. */
  where: string;
  source: string;
  flags: string;
  /** A package's string check run instead of `source` (which then only seeds the inputs): an ajv format. */
  check?: { module: string; name: string };
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return tsFiles(path);
    return e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** A `RegExp` built from a template: the template's constant parts joined with the values of `const` strings in the same function. */
function constructedPattern(node: ts.NewExpression | ts.CallExpression, constants: Map<string, string>): string | undefined {
  const arg = node.arguments?.[0];
  if (!arg) return undefined;
  if (ts.isStringLiteral(arg) || ts.isNoSubstitutionTemplateLiteral(arg)) return arg.text;
  if (!ts.isTemplateExpression(arg)) return undefined;
  let out = arg.head.text;
  for (const span of arg.templateSpans) {
    if (!ts.isIdentifier(span.expression)) return undefined;
    const value = constants.get(span.expression.text);
    if (value === undefined) return undefined;
    out += value + span.literal.text;
  }
  return out;
}

/** Template literals keep escapes raw (`\\.` is `\.`): the cooked text is what RegExp receives. */
const cooked = (node: ts.TemplateLiteralLikeNode | ts.StringLiteral): string => node.text;

export interface RegexCorpus {
  regexes: SourceRegex[];
  /** `new RegExp(...)` calls whose pattern is computed at run time: listed so a reader can judge them. */
  dynamic: string[];
}

export function collectRegexes(root = join(REPO, 'src')): RegexCorpus {
  const regexes: SourceRegex[] = [];
  const dynamic: string[] = [];
  for (const file of tsFiles(root)) {
    const text = readFileSync(file, 'utf8');
    const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    const rel = relative(REPO, file);
    const constants = new Map<string, string>();
    const where = (node: ts.Node): string => `${rel}:${sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1}`;
    const visit = (node: ts.Node): void => {
      if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer && (ts.isStringLiteral(node.initializer) || ts.isNoSubstitutionTemplateLiteral(node.initializer))) {
        constants.set(node.name.text, cooked(node.initializer));
      }
      if (node.kind === ts.SyntaxKind.RegularExpressionLiteral) {
        const literal = node.getText(sf);
        const end = literal.lastIndexOf('/');
        regexes.push({ where: where(node), source: literal.slice(1, end), flags: literal.slice(end + 1) });
      }
      if ((ts.isNewExpression(node) || ts.isCallExpression(node)) && node.expression.getText(sf) === 'RegExp') {
        const pattern = constructedPattern(node, constants);
        const flagsArg = node.arguments?.[1];
        const flags = flagsArg === undefined ? '' : ts.isStringLiteral(flagsArg) ? flagsArg.text : undefined;
        if (pattern !== undefined && flags !== undefined) regexes.push({ where: where(node), source: pattern, flags });
        else dynamic.push(`${where(node)} ${node.getText(sf).slice(0, 120)}`);
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return { regexes, dynamic };
}

/** JSON Schemas whose `pattern`s and `format`s ajv applies to text that comes from input. */
export const SCHEMA_FILES: readonly string[] = [
  // modelvet's own: the lockfile and config (read from the scanned tree or the working folder), cache entries, advisories, policy, report.
  ...readdirSync(join(REPO, 'schemas')).filter((f) => f.endsWith('.json')).map((f) => join(REPO, 'schemas', f)),
  // The CycloneDX schemas that validate every BOM before it is written (src/bom/validate/cyclonedx-schema.ts): BOM strings come from model cards and configs.
  ...['bom-1.6', 'bom-1.7', 'spdx', 'jsf-0.82', 'cryptography-defs'].map((n) => join(REPO, 'node_modules', '@cyclonedx', 'cyclonedx-library', 'res', 'schema', `${n}.SNAPSHOT.schema.json`)),
];

export interface SchemaRegexes {
  regexes: SourceRegex[];
  /** Format names the schemas use, with the regex ajv-formats checks each with (none: a function or no check). */
  formats: Map<string, string[]>;
}

/** ajv compiles `pattern` and `patternProperties` with the `u` flag (its default `unicodeRegExp`). */
export function collectSchemaRegexes(files: readonly string[] = SCHEMA_FILES): SchemaRegexes {
  const regexes: SourceRegex[] = [];
  const formats = new Map<string, string[]>();
  for (const file of files) {
    const rel = relative(REPO, file);
    const walk = (node: unknown, pointer: string): void => {
      if (Array.isArray(node)) node.forEach((v, i) => walk(v, `${pointer}/${i}`));
      if (typeof node !== 'object' || node === null || Array.isArray(node)) return;
      for (const [key, value] of Object.entries(node)) {
        if (key === 'pattern' && typeof value === 'string') regexes.push({ where: `${rel}#${pointer}/pattern`, source: value, flags: 'u' });
        if (key === 'patternProperties' && typeof value === 'object' && value !== null) {
          for (const p of Object.keys(value)) regexes.push({ where: `${rel}#${pointer}/patternProperties`, source: p, flags: 'u' });
        }
        if (key === 'format' && typeof value === 'string') formats.set(value, [...(formats.get(value) ?? []), rel]);
        walk(value, `${pointer}/${key}`);
      }
    };
    walk(JSON.parse(readFileSync(file, 'utf8')) as unknown, '');
  }
  return { regexes, formats };
}

/** Where ajv's format checks come from (src/bom/validate/cyclonedx-schema.ts installs them), and a sample of each to seed the inputs. */
const FORMAT_CHECKS: Record<string, { module: string; seed: string }> = {
  date: { module: 'ajv-formats/dist/formats.js', seed: '2024-01-31' },
  'date-time': { module: 'ajv-formats/dist/formats.js', seed: '2024-01-31T12:00:00.000+01:00' },
  time: { module: 'ajv-formats/dist/formats.js', seed: '12:00:00.000Z' },
  uri: { module: 'ajv-formats/dist/formats.js', seed: 'https://user@huggingface.co:443/org/name?rev=main#file.json' },
  'uri-reference': { module: 'ajv-formats/dist/formats.js', seed: '../org/name?rev=main#file.json' },
  email: { module: 'ajv-formats/dist/formats.js', seed: 'first.last@example.org' },
  'idn-email': { module: 'ajv-formats-draft2019/formats/idn-email.js', seed: 'prénom.nom@exemple.org' },
};

/**
 * The format checks the schemas name, as jobs for the runner. `iri-reference` is accepted as any
 * string (cyclonedx-schema.ts), so it has no check; a format with neither a check nor that
 * exemption is returned in `unknown`.
 */
export function formatChecks(formats: Map<string, string[]>): { checks: SourceRegex[]; unknown: string[] } {
  const checks: SourceRegex[] = [];
  const unknown: string[] = [];
  for (const [name, files] of formats) {
    if (name === 'iri-reference') continue;
    const known = FORMAT_CHECKS[name];
    if (!known) {
      unknown.push(`${name} (${[...new Set(files)].join(', ')})`);
      continue;
    }
    checks.push({ where: `format "${name}" (${known.module})`, source: known.seed, flags: '', check: { module: known.module, name: known.module.includes('draft2019') ? 'default' : name } });
  }
  return { checks, unknown };
}
