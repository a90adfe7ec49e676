import type { AnalyseContext } from '../../engine/format-handler.js';
import type { Anomaly, ByteReader } from '../../types.js';
import { anomaly } from '../anomaly.js';
import { CODE_CODES } from './codes.js';

export type SourceText = { text: string } | { anomaly: Anomaly };

/**
 * PEP 263: a `coding` comment on line 1 or 2 names the file's encoding. Searched in the first
 * two lines only, each cut short, so the pattern never scans much text.
 */
const CODING_COOKIE = /^[ \t\f]*#[^\n]{0,120}?coding[:=][ \t]*([-\w.]{1,40})/;

function pythonCoding(bytes: Uint8Array): string | undefined {
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 400));
  for (const line of head.split(/\r\n|\r|\n/, 2)) {
    const m = CODING_COOKIE.exec(line.slice(0, 200));
    if (m) return m[1]!.toLowerCase();
    // The cookie counts on line 2 only when line 1 is a comment or blank (a shebang, say).
    if (!/^[ \t\f]*(#|$)/.test(line)) break;
  }
  return undefined;
}

/** Python's own names for codecs that differ from the WHATWG labels TextDecoder knows. */
const PYTHON_CODEC_ALIASES: Record<string, string> = { 'utf8': 'utf-8', 'utf-8-sig': 'utf-8', 'latin-1': 'latin1', 'iso-8859-1': 'latin1', 'iso8859-1': 'latin1', 'cp1252': 'windows-1252' };

function decode(bytes: Uint8Array, label: string): string | undefined {
  try {
    return new TextDecoder(label, { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * Reads a source file whole, as its interpreter would, when it is within `maxJsonBytes`;
 * past that nothing is read and an anomaly says so.
 */
export async function readSourceText(reader: ByteReader, context: AnalyseContext, kind: 'python' | 'javascript' | 'notebook'): Promise<SourceText> {
  const cap = context.options.maxJsonBytes;
  if (reader.size > cap) {
    return { anomaly: anomaly(CODE_CODES.tooLarge, `the file is ${reader.size} bytes, over the ${cap}-byte limit for source read whole, so what it loads was not checked`, undefined, { size: reader.size, limit: cap }) };
  }
  const bytes = await reader.read(0, reader.size);
  const coding = kind === 'python' ? pythonCoding(bytes) : undefined;
  const label = coding ? (PYTHON_CODEC_ALIASES[coding] ?? coding) : 'utf-8';
  const text = decode(bytes, label);
  if (text === undefined) {
    const message = coding && label !== 'utf-8' ? `the file is not valid ${coding} as its coding comment declares, so it was not read` : 'the file is not valid UTF-8 text, so it was not read';
    return { anomaly: anomaly(CODE_CODES.malformed, message, undefined, { encoding: coding ?? 'utf-8' }) };
  }
  return { text };
}
