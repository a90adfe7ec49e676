import type { BomView, ViewAncestor, ViewDataset } from '../validate/view.js';
import type { SpdxRelationshipType } from './types.js';

/**
 * spdxIds are IRIs under `https://modelvet.invalid/spdx/` (`.invalid` is reserved, RFC 2606: the
 * IRIs name, they do not resolve), then what identifies the model:
 *   - the purl without `pkg:` when there is one (`huggingface/org/name@<commit>`),
 *   - `huggingface/<org>/<name>` with a repo but no commit,
 *   - `local/<folder name>` otherwise,
 * then the element's kind and what names it (`/file/<path>`, `/dataset/<id>`, …). Relationships are
 * `<from>/relationship/<type>[/<to>]`. Everything derives from the facts, so the same facts always
 * give the same ids. Each segment is percent-encoded.
 */
export const SPDX_ID_ROOT = 'https://modelvet.invalid/spdx/';

const enc = encodeURIComponent;
const encPath = (path: string): string => path.split('/').map(enc).join('/');

export class SpdxIds {
  readonly base: string;

  constructor(view: BomView) {
    const { model } = view;
    const key = model.purl ? model.purl.replace(/^pkg:/, '') : model.repo ? `huggingface/${encPath(model.repo)}` : `local/${enc(model.name)}`;
    this.base = `${SPDX_ID_ROOT}${key}`;
  }

  get document(): string {
    return `${this.base}/document`;
  }
  get creationInfo(): string {
    return '_:creationinfo';
  }
  get agent(): string {
    return `${this.base}/agent/modelvet`;
  }
  get tool(): string {
    return `${this.base}/tool/modelvet`;
  }
  get model(): string {
    return `${this.base}/model`;
  }
  organization(name: string): string {
    return `${this.base}/organization/${enc(name)}`;
  }
  file(path: string): string {
    return `${this.base}/file/${encPath(path)}`;
  }
  chatTemplate(file: string, name: string): string {
    return `${this.base}/chat-template/${enc(file)}/${enc(name)}`;
  }
  dataset(dataset: ViewDataset): string {
    return `${this.base}/dataset/${enc(dataset.key)}`;
  }
  ancestor(ancestor: ViewAncestor): string {
    return `${this.base}/base-model/${enc(ancestor.repo)}${ancestor.commit ? `@${ancestor.commit}` : ''}`;
  }
  framework(name: string): string {
    return `${this.base}/framework/${enc(name)}`;
  }
  license(owner: string, kind: 'declared'): string {
    return `${owner}/license/${kind}`;
  }
  finding(id: string): string {
    return `${this.base}/finding/${enc(id)}`;
  }
  relationship(from: string, type: SpdxRelationshipType, to?: string): string {
    return `${from}/relationship/${type}${to === undefined ? '' : `/${enc(to)}`}`;
  }
}
