import type { HubRepoArtifact, HubRepoFile } from '../../check/types.js';
import type { Rule } from '../types.js';
import { folderOf, pickleBased, safetensorsAlternative, type JudgedBy } from './files.js';
import { listNames } from './listing.js';

interface PickleFile {
  path: string;
  judgedBy: JudgedBy;
  format?: string;
  /** Safetensors files (or indexes) in the same folder: the same weights, loadable without pickle. */
  alternatives: string[];
}

/**
 * A safetensors copy counts as an alternative when it sits in the same folder: that is where
 * transformers, diffusers and PEFT look for `model.safetensors` beside `pytorch_model.bin`
 * (and `unet/diffusion_pytorch_model.safetensors` beside its `.bin`).
 */
function pickleFiles(files: readonly HubRepoFile[]): PickleFile[] {
  const safetensorsByFolder = new Map<string, string[]>();
  for (const file of files) {
    if (!safetensorsAlternative(file)) continue;
    const folder = folderOf(file.path);
    const list = safetensorsByFolder.get(folder);
    if (list) list.push(file.path);
    else safetensorsByFolder.set(folder, [file.path]);
  }
  const found: PickleFile[] = [];
  for (const file of files) {
    const judgedBy = pickleBased(file);
    if (!judgedBy) continue;
    found.push({
      path: file.path,
      judgedBy,
      ...(file.format !== undefined ? { format: file.format } : {}),
      alternatives: safetensorsByFolder.get(folderOf(file.path)) ?? [],
    });
  }
  return found;
}

const them = (n: number): string => (n === 1 ? 'it' : 'them');

/** Files the check did not read are pickle-based only by their names: the message says so. */
function notRead(unread: number, of: number): string {
  if (unread === of) return unread === 1 ? 'it was not read and is judged by its name' : 'they were not read and are judged by their names';
  return unread === 1 ? '1 of them was not read and is judged by its name' : `${unread} of them were not read and are judged by their names`;
}

const rule: Rule = {
  meta: {
    id: 'hub/pickle-weights',
    description: 'The repo holds weights in a pickle-based format (info when a safetensors copy sits beside them).',
    severity: 'medium',
    category: 'hub',
    appliesTo: ['hub-repo'],
    docs: {
      description:
        'torch.load, joblib.load and pickle.load unpickle, and unpickling can run code: every pickle-based checkpoint (pytorch_model.bin, .pt, .pth, .ckpt, .pkl, .joblib, object .npy) is one allowlist gap away from code execution, however clean modelvet finds it today. Files the check read are judged by their content; unread ones by their name. Medium when no safetensors file sits in the same folder; info when every pickle-based file has a safetensors file or index beside it, since from_pretrained(..., use_safetensors=True) then never touches the pickle. modelvet still analyses each pickle on its own.',
      example: 'hf:someuser/bert-finetune holds pytorch_model.bin and no model.safetensors',
      fix: 'Load the safetensors copy (from_pretrained(..., use_safetensors=True)) or ask the publisher to convert the weights (the Hub\'s convert-to-safetensors Space opens a pull request); where only a pickle exists, load it with torch.load(..., weights_only=True) after reviewing modelvet\'s findings for that file.',
      url: 'https://huggingface.co/docs/safetensors',
    },
  },
  *check({ artifact }) {
    if (artifact.format !== 'hub-repo') return;
    const found = pickleFiles((artifact as HubRepoArtifact).hub.files);
    if (found.length === 0) return;
    const uncovered = found.filter((f) => f.alternatives.length === 0);
    const alternatives = [...new Set(found.flatMap((f) => f.alternatives))];
    const evidence = {
      files: found.map((f) => f.path),
      withoutAlternative: uncovered.map((f) => f.path),
      alternatives,
      judgedByName: found.filter((f) => f.judgedBy === 'extension').map((f) => f.path),
    };
    if (uncovered.length === 0) {
      yield {
        severity: 'info' as const,
        message: `loading ${listNames(found.map((f) => f.path))} would unpickle ${them(found.length)}, but ${listNames(alternatives)} beside ${them(found.length)} ${alternatives.length === 1 ? 'holds' : 'hold'} safetensors weights: use_safetensors=True keeps transformers off the pickle`,
        evidence,
        fix: 'Load with from_pretrained(..., use_safetensors=True) (or safetensors.torch.load_file) so the pickle-based files are never read.',
      };
      return;
    }
    const unread = uncovered.filter((f) => f.judgedBy === 'extension').length;
    const byName = unread === 0 ? '' : `; ${notRead(unread, uncovered.length)}`;
    const covered = found.length - uncovered.length;
    const also = covered > 0 ? ` (${covered} other pickle-based ${covered === 1 ? 'file has' : 'files have'} one: ${listNames(found.filter((f) => f.alternatives.length > 0).map((f) => f.path), 3)})` : '';
    yield {
      message: `loading ${listNames(uncovered.map((f) => f.path))} would unpickle ${them(uncovered.length)}, which can run code, and no safetensors copy sits beside ${them(uncovered.length)}${also}${byName}`,
      evidence,
    };
  },
};
export default rule;
