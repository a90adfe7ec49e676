import type { Rule } from '../types.js';
import lookalikePublisher from './lookalike-publisher.js';
import unknownPublisher from './unknown-publisher.js';
import unpinnedRevision from './unpinned-revision.js';

/** This family's rules, one file each. */
export const RULES: Rule[] = [unpinnedRevision, lookalikePublisher, unknownPublisher];
