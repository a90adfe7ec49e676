/**
 * Licence ids the Hub offers in a card's `license:` field (hub-docs `repositories-licenses.md`,
 * @huggingface/hub `types/public.ts`) that are not SPDX ids, or that a generic corrector would turn
 * into the wrong one. Everything else on that list is an SPDX id up to case.
 */

/** Ids with one SPDX id the Hub's own name says it is, which case-folding alone does not find. */
export const HUB_SPDX: ReadonlyMap<string, string> = new Map([
  // "Computational Use of Data Agreement": C-UDA has one version.
  ['c-uda', 'C-UDA-1.0'],
  // "Lesser General Public License For Linguistic Resources" (spdx-correct would say LGPL-3.0-or-later).
  ['lgpl-lr', 'LGPLLR'],
  // "Open Data Commons Public Domain Dedication and License": one version.
  ['pddl', 'PDDL-1.0'],
]);

/**
 * Ids that name no single SPDX licence: a family the Hub lists without a version (`bsd`, `gpl`), or a
 * model licence SPDX does not list (Llama, Gemma, OpenRAIL). They stay names, as the Hub titles them.
 */
export const HUB_NAMED: ReadonlyMap<string, string> = new Map([
  ['openrail', 'OpenRAIL license family'],
  ['bigscience-openrail-m', 'BigScience OpenRAIL-M'],
  ['creativeml-openrail-m', 'CreativeML OpenRAIL-M'],
  ['bigscience-bloom-rail-1.0', 'BigScience BLOOM RAIL 1.0'],
  ['bigcode-openrail-m', 'BigCode Open RAIL-M v1'],
  ['openrail++', 'OpenRAIL++-M License'],
  ['bsd', 'BSD license family'],
  ['cc', 'Creative Commons license family'],
  ['gfdl', 'GNU Free Documentation License family'],
  ['gpl', 'GNU General Public License family'],
  ['lgpl', 'GNU Lesser General Public License family'],
  ['odc-by', 'Open Data Commons License Attribution family'],
  ['odbl', 'Open Database License family'],
  ['deepfloyd-if-license', 'DeepFloyd IF Research License Agreement'],
  ['llama2', 'Llama 2 Community License Agreement'],
  ['llama3', 'Llama 3 Community License Agreement'],
  ['llama3.1', 'Llama 3.1 Community License Agreement'],
  ['llama3.2', 'Llama 3.2 Community License Agreement'],
  ['llama3.3', 'Llama 3.3 Community License Agreement'],
  ['llama4', 'Llama 4 Community License Agreement'],
  ['gemma', 'Gemma Terms of Use'],
  ['apple-ascl', 'Apple Sample Code License'],
  ['apple-amlr', 'Apple Model License for Research'],
]);

/** Say only that no licence is known or asserted (the Hub's `unknown`, SPDX's NOASSERTION/NONE): not licences, so they give none. */
export const NOT_A_LICENSE: ReadonlySet<string> = new Set(['unknown', 'noassertion', 'none']);

/** A custom licence the card names in `license_name` / `license_link`. */
export const HUB_OTHER = 'other';
