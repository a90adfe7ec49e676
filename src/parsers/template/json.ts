export type JsonResult = { ok: true; value: unknown } | { ok: false; error: string };

const PYTHON_CONSTANTS = ['-Infinity', 'Infinity', 'NaN'];

/**
 * Python's `json.loads` (what transformers reads configs with) also accepts the bare constants
 * NaN, Infinity and -Infinity, which JSON.parse rejects. Outside strings they become null here,
 * so a config Python reads is never reported as unreadable. The scan tracks string state; it
 * never looks inside string values.
 */
function replacePythonConstants(text: string): string | null {
  const out: string[] = [];
  let kept = 0;
  let inString = false;
  let replaced = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) {
      inString = true;
      continue;
    }
    if (c !== 0x2d && c !== 0x49 && c !== 0x4e) continue; // '-', 'I', 'N'
    const constant = PYTHON_CONSTANTS.find((k) => text.startsWith(k, i));
    if (!constant) continue;
    out.push(text.slice(kept, i), 'null');
    i += constant.length - 1;
    kept = i + 1;
    replaced = true;
  }
  if (!replaced) return null;
  out.push(text.slice(kept));
  return out.join('');
}

/** Parses a config the way Python's json module would accept it. JSON.parse defines own properties, so `__proto__` keys stay data. */
export function parsePythonJson(text: string): JsonResult {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (err) {
    const retry = replacePythonConstants(text);
    if (retry !== null) {
      try {
        return { ok: true, value: JSON.parse(retry) as unknown };
      } catch {
        // fall through to the original error
      }
    }
    return { ok: false, error: (err as Error).message };
  }
}
