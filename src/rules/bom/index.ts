import type { Rule } from '../types.js';
import malformed from './malformed.js';
import modelWithoutHash from './model-without-hash.js';
import unpinnedModel from './unpinned-model.js';
import weakHash from './weak-hash.js';

/** Rules on CycloneDX / SPDX bills of materials found by `scan`, one file each. Suppliers are judged by the provenance rules, through the artifact's modelRefs. */
export const RULES: Rule[] = [malformed, modelWithoutHash, unpinnedModel, weakHash];
