import type { Severity } from '../../types.js';

/**
 * When a use of the op is reported:
 * - `always`: every use;
 * - `attr`: the named string attribute is set (to a value starting with one of `prefixes`, when
 *   given; to anything but `unless` values, when given);
 * - `path-input`: one of the data inputs at `inputs` is a constant naming a path outside the
 *   model (absolute, climbing out, or a URL). `unresolved` says what a path computed at run time
 *   gets: `ignore` (a saver's own filename placeholder), or `medium-without-assets` (a
 *   vocabulary file normally fed from the SavedModel's assets/: only suspicious when the
 *   SavedModel ships no assets).
 */
export type OpCheck =
  | { when: 'always' }
  | { when: 'attr'; attr: string; prefixes?: readonly string[]; unless?: readonly string[]; unlessPrefixes?: readonly string[] }
  | { when: 'path-input'; inputs: readonly number[]; unresolved: 'ignore' | 'medium-without-assets' };

export interface DangerousOp {
  ops: readonly string[];
  severity: Extract<Severity, 'critical' | 'high'>;
  /** What running the op does, completing "running the model …". */
  does: string;
  check: OpCheck;
  source: string;
}

const TENSORABUSE = 'TensorAbuse (Zhu et al., IEEE S&P 2025), github.com/ZJU-SEC/TensorAbuse TensorDetect/settings.py';
const REGISTRY = 'tensorflow 2.21 op registry (policy/tensorflow-ops.json) and the ops\' docs in tf.raw_ops';

/**
 * TensorFlow ops whose kernels reach outside the tensor world: Python callbacks, the file system,
 * the network. Every name here is registered in TensorFlow 2.21 (a test checks it). The savers'
 * own ops (SaveV2, RestoreV2, MergeV2Checkpoints, ShardedFilename, StringJoin), present in every
 * SavedModel, are only reported when a constant sends them outside the model.
 */
export const DANGEROUS_OPS: readonly DangerousOp[] = [
  {
    ops: ['PyFunc', 'PyFuncStateless', 'EagerPyFunc'],
    severity: 'critical',
    does: 'calls back into the Python interpreter (tf.py_function, tf.numpy_function) and runs whatever function the loading process registered under its token',
    check: { when: 'always' },
    source: `${TENSORABUSE}; ModelAudit tf_savedmodel scanner PYTHON_OPS; ${REGISTRY}`,
  },
  {
    ops: ['ReadFile', 'ImmutableConst', 'LoadAndRemapMatrix', 'GenerateVocabRemapping'],
    severity: 'high',
    does: 'reads or memory-maps a file named in the graph',
    check: { when: 'always' },
    source: `${TENSORABUSE}; ${REGISTRY}`,
  },
  {
    ops: [
      'TextLineDataset',
      'TFRecordDataset',
      'TFRecordDatasetV2',
      'FixedLengthRecordDataset',
      'FixedLengthRecordDatasetV2',
      'CSVDataset',
      'CSVDatasetV2',
      'ExperimentalCSVDataset',
      'LMDBDataset',
      'ExperimentalLMDBDataset',
      'SqlDataset',
      'ExperimentalSqlDataset',
      'LoadDataset',
      'SnapshotDatasetReader',
      'SnapshotNestedDatasetReader',
      'SnapshotChunkDataset',
      'ListSnapshotChunksDataset',
      'RecordInput',
      'WholeFileReader',
      'WholeFileReaderV2',
      'TextLineReader',
      'TextLineReaderV2',
      'FixedLengthRecordReader',
      'FixedLengthRecordReaderV2',
      'TFRecordReader',
      'TFRecordReaderV2',
      'LMDBReader',
    ],
    severity: 'high',
    does: 'reads records from files the graph names, as a tf.data dataset or a TF1 reader',
    check: { when: 'always' },
    source: `${TENSORABUSE}; ${REGISTRY}`,
  },
  {
    ops: ['MatchingFiles', 'MatchingFilesDataset', 'ExperimentalMatchingFilesDataset'],
    severity: 'high',
    does: 'lists the file system with a glob pattern',
    check: { when: 'always' },
    source: `${TENSORABUSE}; ${REGISTRY}`,
  },
  {
    ops: ['WriteFile', 'DatasetToTFRecord', 'ExperimentalDatasetToTFRecord', 'SaveDataset', 'SaveDatasetV2', 'SnapshotDataset', 'SnapshotDatasetV2', 'CalibrationStatisticsSaver'],
    severity: 'high',
    does: 'writes a file at a path the graph chooses',
    check: { when: 'always' },
    source: `${TENSORABUSE}; ${REGISTRY}`,
  },
  {
    ops: ['CreateSummaryFileWriter', 'CreateSummaryDbWriter'],
    severity: 'high',
    does: 'opens a summary writer that creates files under a log directory or an SQLite database the graph names',
    check: { when: 'always' },
    source: REGISTRY,
  },
  {
    ops: ['FileSystemSetConfiguration'],
    severity: 'high',
    does: "changes the process's file-system configuration for remote file systems",
    check: { when: 'always' },
    source: REGISTRY,
  },
  {
    ops: ['RpcServer', 'RpcServerStart', 'RpcServerRegister', 'RpcClient', 'RpcCall', 'RpcCheckStatus', 'RpcGetValue', 'DeleteRpcFutureResource'],
    severity: 'high',
    does: 'opens a gRPC server or client and exchanges tensors with another host',
    check: { when: 'always' },
    source: `${TENSORABUSE}; ${REGISTRY}`,
  },
  {
    ops: ['DataServiceDataset', 'DataServiceDatasetV2', 'DataServiceDatasetV3', 'DataServiceDatasetV4', 'RegisterDataset', 'RegisterDatasetV2', 'DistributedSave'],
    severity: 'high',
    does: 'talks to a tf.data service dispatcher at an address the graph names, and DistributedSave also writes files there',
    check: { when: 'always' },
    source: `${TENSORABUSE}; ${REGISTRY}`,
  },
  {
    ops: ['PrintV2'],
    severity: 'high',
    does: 'appends tensor values to the file its output_stream names',
    check: { when: 'attr', attr: 'output_stream', prefixes: ['file://'] },
    source: `${TENSORABUSE}; tf.print docs (output_stream)`,
  },
  {
    ops: ['DebugIdentity', 'DebugIdentityV2', 'DebugIdentityV3', 'DebugNanCount', 'DebugNumericSummary', 'DebugNumericSummaryV2'],
    severity: 'high',
    does: 'dumps tensors to the file:// or grpc:// debug URLs it names',
    check: { when: 'attr', attr: 'debug_urls' },
    source: `${TENSORABUSE}; ${REGISTRY}`,
  },
  {
    ops: ['DecodeProtoV2', 'EncodeProto'],
    severity: 'high',
    does: 'reads a protobuf descriptor file named by descriptor_source',
    check: { when: 'attr', attr: 'descriptor_source', unless: ['local://', ''], unlessPrefixes: ['bytes://'] },
    source: 'tf.io.decode_proto docs (descriptor_source)',
  },
  {
    ops: ['CacheDataset', 'CacheDatasetV2'],
    severity: 'high',
    does: 'writes its cache files to a path the graph names',
    check: { when: 'path-input', inputs: [1], unresolved: 'ignore' },
    source: REGISTRY,
  },
  {
    ops: ['InitializeTableFromTextFile', 'InitializeTableFromTextFileV2'],
    severity: 'high',
    does: 'reads a vocabulary file when the model is loaded',
    check: { when: 'path-input', inputs: [1], unresolved: 'medium-without-assets' },
    source: `${TENSORABUSE}; ${REGISTRY}`,
  },
  {
    ops: ['SaveV2', 'Save', 'SaveSlices', 'RestoreV2', 'Restore', 'RestoreSlice', 'DTensorRestoreV2', 'ShardedFilename', 'ShardedFilespec'],
    severity: 'high',
    does: 'reads or writes a checkpoint at a path the graph fixes',
    check: { when: 'path-input', inputs: [0], unresolved: 'ignore' },
    source: `${TENSORABUSE} (Save, SaveSlices); ${REGISTRY}`,
  },
  {
    ops: ['MergeV2Checkpoints'],
    severity: 'high',
    does: 'moves and deletes checkpoint files at paths the graph fixes',
    check: { when: 'path-input', inputs: [0, 1], unresolved: 'ignore' },
    source: `ModelAudit SUSPICIOUS_OPS; ${REGISTRY}`,
  },
];

const BY_OP = new Map(DANGEROUS_OPS.flatMap((d) => d.ops.map((op) => [op, d] as const)));

export const dangerousOp = (op: string): DangerousOp | undefined => BY_OP.get(op);
