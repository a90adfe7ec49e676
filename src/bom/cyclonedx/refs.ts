import type { BomView, ViewDataset, ViewFramework } from '../validate/view.js';

/**
 * bom-refs: purls where a component has one (a purl is what other BOMs will reference it by), else
 * `modelvet:<kind>:<what names it>`. Derived from the facts only, so a rewrite keeps every ref.
 */
export const modelRef = (view: BomView): string => view.model.purl ?? `modelvet:model:${view.model.name}`;
export const fileRef = (path: string): string => `modelvet:file:${path}`;
export const chatTemplateRef = (file: string, name: string): string => `modelvet:chat-template:${file}#${name}`;
export const datasetRef = (dataset: ViewDataset): string => `modelvet:dataset:${dataset.key}`;
export const frameworkRef = (framework: ViewFramework): string => framework.purl ?? `modelvet:framework:${framework.name}`;
export const findingRef = (id: string): string => `modelvet:finding:${id}`;
