import type { HubRepoArtifact } from '../../check/types.js';
import type { Rule } from '../types.js';
import { listNames, plural } from './listing.js';

/** Per-file statuses that mean the Hub's scanner found something. */
const FLAGGING = new Set(['unsafe', 'caution']);

interface Flagged {
  path: string;
  level: string;
  pickleImports: string[];
}

const flaggedText = (f: Flagged): string => {
  const imports = f.pickleImports.length > 0 ? `, imports ${listNames(f.pickleImports, 3)}` : '';
  return `${f.path}: ${f.level}${imports}`;
};

const STAND = "modelvet's own findings stand whatever the Hub says";

const rule: Rule = {
  meta: {
    id: 'hub/security-scan',
    description: "What the Hub's own security scan says about the repo, reported as info and never used to lower modelvet's findings.",
    severity: 'info',
    category: 'hub',
    appliesTo: ['hub-repo'],
    docs: {
      description:
        "The Hub runs its own scanners (malware, pickle imports) and publishes a verdict per file. check reports it for context: not done yet, the files it flags with the pickle imports it listed, or nothing flagged. It is always info. A verdict from the Hub never lowers or removes a modelvet finding: the Hub's scanners read files differently from the loaders, and a file the Hub calls safe can still be one modelvet reports.",
      example: 'the Hub marks pytorch_model.bin "unsafe" with the import os.system',
      fix: "Act on modelvet's own findings for each file; a file the Hub flags deserves a look even when modelvet's analysis found nothing to report.",
      url: 'https://huggingface.co/docs/hub/security-pickle',
    },
  },
  *check({ artifact }) {
    if (artifact.format !== 'hub-repo') return;
    const { hub } = artifact as HubRepoArtifact;
    const perFile = hub.files.filter((f) => f.hubScan !== undefined);
    if (hub.hubScan === undefined && perFile.length === 0) return;

    const flagged = new Map<string, Flagged>();
    for (const issue of hub.hubScan?.filesWithIssues ?? []) {
      if (!flagged.has(issue.path)) flagged.set(issue.path, { path: issue.path, level: issue.level, pickleImports: [] });
    }
    const unscanned: string[] = [];
    for (const file of perFile) {
      const status = file.hubScan!.status;
      const normal = status.toLowerCase();
      if (normal === 'unscanned') unscanned.push(file.path);
      if (!FLAGGING.has(normal)) continue;
      const imports = file.hubScan!.pickleImports ?? [];
      const seen = flagged.get(file.path);
      if (seen) {
        // The per-file verdict is the more specific one, and it carries the imports.
        seen.level = status;
        seen.pickleImports = imports;
      } else flagged.set(file.path, { path: file.path, level: status, pickleImports: imports });
    }
    const list = [...flagged.values()];
    const notDone = hub.hubScan?.scansDone === false;
    const evidence = {
      ...(hub.hubScan?.scansDone !== undefined ? { scansDone: hub.hubScan.scansDone } : {}),
      flagged: list,
      unscanned,
    };
    const unscannedText = unscanned.length > 0 ? ` and has not scanned ${plural(unscanned.length, 'file')} (${listNames(unscanned, 3)})` : '';

    if (list.length > 0) {
      yield {
        message: `the Hub's own scan flags ${plural(list.length, 'file')} (${listNames(list.map(flaggedText), 3)})${notDone ? ' and has not finished scanning' : unscannedText}; ${STAND}`,
        evidence,
      };
    } else if (notDone) {
      yield { message: `the Hub has not finished scanning this repo; ${STAND}`, evidence };
    } else {
      yield { message: `the Hub's own scan flags no file${unscannedText}; that lowers none of modelvet's own findings, which stand whatever the Hub says`, evidence };
    }
  },
};
export default rule;
