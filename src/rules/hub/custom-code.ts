import type { HubRepoArtifact } from '../../check/types.js';
import type { FindingInput, Rule } from '../types.js';
import { listNames, shown } from './listing.js';

interface MapEntry {
  /** The config file that holds the auto_map. */
  file: string;
  key: string;
  target: string;
}

/**
 * transformers' get_class_from_dynamic_module: `repo--module.Class` names the repo to fetch the
 * module from; without `--` the module comes from the repo being loaded. Only a repo id equal
 * (as a string) to the one loaded inherits the revision the caller pinned; any other, even one
 * differing only in case, is fetched at `code_revision`, which defaults to its main branch.
 */
function codeRepoOf(target: string): string | undefined {
  const cut = target.indexOf('--');
  return cut > 0 ? target.slice(0, cut) : undefined;
}

const entryText = (e: MapEntry): string => `${e.key} → ${e.target}`;

/** `module` of `module.Class` or `repo--module.Class`: transformers fetches `module.py` from the repo root. */
function moduleFileOf(target: string): string | undefined {
  const ref = target.slice(target.indexOf('--') + (target.includes('--') ? 2 : 0));
  const dot = ref.indexOf('.');
  return dot > 0 ? `${ref.slice(0, dot)}.py` : undefined;
}

const rule: Rule = {
  meta: {
    id: 'hub/custom-code',
    description: 'The repo ships Python code or an auto_map that makes from_pretrained import code (trust_remote_code=True); high when that code lives in another repo.',
    severity: 'medium',
    category: 'hub',
    appliesTo: ['hub-repo'],
    docs: {
      description:
        "An `auto_map` in config.json or tokenizer_config.json points transformers' Auto classes at Python modules instead of classes shipped with transformers. from_pretrained refuses until the caller passes trust_remote_code=True, and then imports and runs that code with the caller's rights. Python files without an auto_map run when anything else imports them (custom pipelines, inference handlers, a card's instructions). Medium for the repo's own code, which can be reviewed at the checked commit; high when an auto_map target names another repo (`other/repo--module.Class`): that code is not in the checked repo and is fetched from the other repo's main branch unless code_revision is given.",
      example: 'config.json: "auto_map": {"AutoModelForCausalLM": "other-org/helpers--modeling_x.XForCausalLM"}',
      fix: 'Prefer a model whose architecture ships with transformers. Otherwise review the Python files at the checked commit, load with revision=<that commit> (and code_revision=<a reviewed commit> for code from another repo), and pass trust_remote_code=True only in that call.',
      url: 'https://huggingface.co/docs/transformers/custom_models',
    },
  },
  *check({ artifact }) {
    if (artifact.format !== 'hub-repo') return;
    const { hub } = artifact as HubRepoArtifact;
    const entries: MapEntry[] = hub.autoMap.flatMap((m) => m.entries.map((e) => ({ file: m.file, key: e.key, target: e.target })));
    const local = entries.filter((e) => {
      const repo = codeRepoOf(e.target);
      return repo === undefined || repo === hub.repo;
    });
    const external = new Map<string, MapEntry[]>();
    for (const e of entries) {
      const repo = codeRepoOf(e.target);
      if (repo === undefined || repo === hub.repo) continue;
      const list = external.get(repo);
      if (list) list.push(e);
      else external.set(repo, [e]);
    }

    for (const [repo, list] of external) {
      const sameRepo = repo.toLowerCase() === hub.repo.toLowerCase();
      const where = sameRepo
        ? `${shown(repo)}, this repo spelled differently, which transformers still treats as another repo`
        : `another repo, ${shown(repo)}`;
      const finding: FindingInput = {
        severity: 'high',
        message: `loading with trust_remote_code=True imports code from ${where}, at its main branch unless code_revision is given, not from the checked commit (${listNames(list.map(entryText), 3)} in ${listNames([...new Set(list.map((e) => e.file))])})`,
        evidence: { codeRepo: repo, entries: list },
      };
      yield finding;
    }

    if (local.length === 0 && hub.pythonFiles.length === 0) return;
    const python = hub.pythonFiles;
    const pythonSet = new Set(python);
    const missingModules = [...new Set(local.map((e) => moduleFileOf(e.target)).filter((m): m is string => m !== undefined && !pythonSet.has(m)))];
    const evidence = { pythonFiles: python, autoMap: local, ...(missingModules.length > 0 ? { missingModules } : {}) };
    if (local.length > 0) {
      const files = python.length > 0 ? `; Python files: ${listNames(python)}` : '';
      yield {
        message: `from_pretrained on this repo needs trust_remote_code=True and then runs the repo's own Python code (auto_map ${listNames(local.map(entryText), 3)} in ${listNames([...new Set(local.map((e) => e.file))])}${files})`,
        evidence,
      };
      return;
    }
    yield {
      message: `the repo ships Python files (${listNames(python)}) that run when anything imports them, such as a loader given trust_remote_code=True, a custom pipeline or an inference handler; no auto_map names them, so transformers' Auto classes do not`,
      evidence,
    };
  },
};
export default rule;
