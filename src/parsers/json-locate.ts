import type { Location } from '../types.js';

/** A path through parsed JSON: object keys and array indices. */
export type JsonSegments = ReadonlyArray<string | number>;

/** The key `locateKeys` files a position under: the path's segments, each as JSON, joined by commas. */
export const pathKey = (segments: JsonSegments): string => segments.map((s) => JSON.stringify(s)).join(',');

interface Frame {
  object: boolean;
  /** pathKey of the container itself; undefined below `maxFrames` (nothing there is located). */
  prefix: string | undefined;
  key: string | number;
  expectKey: boolean;
  awaitingValue: boolean;
}

/**
 * Line and column of the values under the keys in `wanted`, by path, for paths at most `maxFrames`
 * containers deep. The text already passed JSON.parse, so this scan only follows structure; a key
 * given twice keeps its last position, as JSON.parse keeps its last value. Iterative, and each
 * container's path is built once from its parent's (and not at all below `maxFrames`), so hostile
 * nesting costs no more than a pass over the text. Shared by the BOM and model-config readers.
 */
export function locateKeys(text: string, wanted: (key: string) => boolean, maxFrames: number): Map<string, Location> {
  const found = new Map<string, Location>();
  const frames: Frame[] = [];
  let line = 1;
  let lineStart = 0;
  const childPrefix = (top: Frame | undefined): string | undefined => {
    if (!top) return '';
    if (top.prefix === undefined || frames.length >= maxFrames) return undefined;
    const key = JSON.stringify(top.key);
    return top.prefix === '' ? key : `${top.prefix},${key}`;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a) {
      line++;
      lineStart = i + 1;
      continue;
    }
    if (c === 0x20 || c === 0x09 || c === 0x0d) continue;
    const top = frames[frames.length - 1];
    const isKey = c === 0x22 && top?.object === true && top.expectKey;
    if (top?.awaitingValue && !isKey) {
      // The first character of an object member's value.
      top.awaitingValue = false;
      if (top.prefix !== undefined && typeof top.key === 'string' && wanted(top.key)) {
        const key = JSON.stringify(top.key);
        found.set(top.prefix === '' ? key : `${top.prefix},${key}`, { line, column: i - lineStart + 1 });
      }
    }
    switch (c) {
      case 0x7b: // {
        frames.push({ object: true, prefix: childPrefix(top), key: '', expectKey: true, awaitingValue: false });
        break;
      case 0x5b: // [
        frames.push({ object: false, prefix: childPrefix(top), key: 0, expectKey: false, awaitingValue: false });
        break;
      case 0x7d: // }
      case 0x5d: // ]
        frames.pop();
        break;
      case 0x2c: // ,
        if (top?.object) top.expectKey = true;
        else if (top) top.key = (top.key as number) + 1;
        break;
      case 0x3a: // :
        if (top) {
          top.expectKey = false;
          top.awaitingValue = true;
        }
        break;
      case 0x22: {
        // A string: skip to its closing quote, stepping over escapes.
        const start = i;
        for (i++; i < text.length && text.charCodeAt(i) !== 0x22; i++) if (text.charCodeAt(i) === 0x5c) i++;
        if (isKey) top.key = JSON.parse(text.slice(start, i + 1)) as string;
        break;
      }
      default:
        break;
    }
  }
  return found;
}
