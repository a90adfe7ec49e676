import type { Rule } from './types.js';
import { RULES as archiveRules } from './archive/index.js';
import { RULES as bomRules } from './bom/index.js';
import { RULES as hubRules } from './hub/index.js';
import { RULES as codeRules } from './code/index.js';
import { RULES as dependencyRules } from './dependencies/index.js';
import { RULES as integrityRules } from './integrity/index.js';
import { RULES as provenanceRules } from './provenance/index.js';
import { RULES as ggufRules } from './gguf/index.js';
import { RULES as kerasRules } from './keras/index.js';
import { RULES as onnxRules } from './onnx/index.js';
import { RULES as safetensorsRules } from './safetensors/index.js';
import { RULES as templateRules } from './template/index.js';
import { RULES as tensorflowRules } from './tensorflow/index.js';
import parserError from './engine/parser-error.js';
import engineResourceLimit from './engine/resource-limit.js';
import timeBudget from './engine/time-budget.js';
import ruleError from './engine/rule-error.js';
import suppressionExpired from './engine/suppression-expired.js';
import extensionMismatch from './format/extension-mismatch.js';
import formatMalformed from './format/malformed.js';
import unrecognized from './format/unrecognized.js';
import dangerousGlobal from './pickle/dangerous-global.js';
import globalMutation from './pickle/global-mutation.js';
import pickleMalformed from './pickle/malformed.js';
import nestedPayload from './pickle/nested-payload.js';
import preferSafetensors from './pickle/prefer-safetensors.js';
import resourceLimit from './pickle/resource-limit.js';
import unexpectedPersistentId from './pickle/unexpected-persistent-id.js';
import unknownGlobal from './pickle/unknown-global.js';
import unresolvedCallable from './pickle/unresolved-callable.js';
import brokenSymlink from './source/broken-symlink.js';
import lfsObjectMissing from './source/lfs-object-missing.js';
import stagedUnreadable from './source/staged-unreadable.js';
import specialFile from './source/special-file.js';
import symlinkEscape from './source/symlink-escape.js';
import unreadable from './source/unreadable.js';
import legacyMagicMismatch from './torch/legacy-magic-mismatch.js';
import torchscriptCode from './torch/torchscript-code.js';
import unexpectedLayout from './torch/unexpected-layout.js';
import unexpectedPickleMember from './torch/unexpected-pickle-member.js';
import loaderDivergence from './zip/loader-divergence.js';
import zipMalformed from './zip/malformed.js';

export const BUILTIN_RULES: readonly Rule[] = [
  engineResourceLimit,
  timeBudget,
  dangerousGlobal,
  unknownGlobal,
  unresolvedCallable,
  nestedPayload,
  unexpectedPersistentId,
  globalMutation,
  pickleMalformed,
  resourceLimit,
  preferSafetensors,
  loaderDivergence,
  zipMalformed,
  unexpectedPickleMember,
  unexpectedLayout,
  torchscriptCode,
  legacyMagicMismatch,
  symlinkEscape,
  brokenSymlink,
  specialFile,
  unreadable,
  lfsObjectMissing,
  stagedUnreadable,
  formatMalformed,
  extensionMismatch,
  unrecognized,
  parserError,
  ruleError,
  suppressionExpired,
  ...safetensorsRules,
  ...ggufRules,
  ...templateRules,
  ...kerasRules,
  ...onnxRules,
  ...tensorflowRules,
  ...archiveRules,
  ...codeRules,
  ...provenanceRules,
  ...hubRules,
  ...bomRules,
  ...dependencyRules,
  ...integrityRules,
];
