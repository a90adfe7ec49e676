/** A URL scheme TensorFlow's file system layer resolves (`file://`, `gs://`, `s3://`, `hdfs://`, `grpc://`, `ram://`…). */
const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]{0,31}:\/\//;

/**
 * Whether a string an op uses as a path leaves the SavedModel's folder: absolute (`/x`, `\x`,
 * `C:x`), climbing out once `.`/`..` are resolved, or a URL (remote or explicit file system).
 * TensorFlow resolves relative paths against the process's working directory, not the model's
 * folder, so only these forms say for certain that the model names a place outside itself.
 */
export function leavesModel(path: string): boolean {
  if (SCHEME.test(path) || /^[\\/]/.test(path) || /^[A-Za-z]:/.test(path)) return true;
  let depth = 0;
  for (const part of path.split(/[\\/]+/)) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (--depth < 0) return true;
    } else depth++;
  }
  return false;
}
