import { lazyRegExp } from '../../util/index.js';

/**
 * Starlark literals for `repr`: printable characters appear as themselves, everything else as
 * an escape, so a repr shows exactly what the value holds. "Printable" follows the reference
 * implementation: letters, marks, numbers, punctuation, symbols and the ASCII space. Text that
 * is not valid (a lone surrogate in a string, a stray byte in a bytes) is written with `\u` and
 * `\x` escapes that no literal accepts, as the spec asks.
 */

const isPrintable = lazyRegExp(() => /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u);
/** Strings made only of printable ASCII other than `"` and `\` need no escaping at all. */
const PLAIN_ASCII = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

const ASCII_ESCAPES: readonly (string | undefined)[] = (() => {
  const table: (string | undefined)[] = new Array(128).fill(undefined);
  for (let code = 0; code < 0x20; code++) table[code] = `\\x${hex(code, 2)}`;
  table[0x7f] = '\\x7f';
  const named: Record<number, string> = { 0x07: '\\a', 0x08: '\\b', 0x0c: '\\f', 0x0a: '\\n', 0x0d: '\\r', 0x09: '\\t', 0x0b: '\\v', 0x22: '\\"', 0x5c: '\\\\' };
  for (const [code, escape] of Object.entries(named)) table[Number(code)] = escape;
  return table;
})();

function hex(value: number, digits: number): string {
  return value.toString(16).padStart(digits, '0');
}

/** The repr of one code point above ASCII: itself when printable, else `\uXXXX` / `\UXXXXXXXX`. */
function quoteCodePoint(codePoint: number, text: string): string {
  if (isPrintable(text)) return text;
  return codePoint < 0x10000 ? `\\u${hex(codePoint, 4)}` : `\\U${hex(codePoint, 8)}`;
}

function quoteAscii(code: number): string {
  return ASCII_ESCAPES[code] ?? String.fromCharCode(code);
}

/** `"..."` for a string (UTF-16 code units; a lone surrogate prints as `\udXXX`). */
export function quoteString(text: string): string {
  if (PLAIN_ASCII.test(text)) return `"${text}"`;
  let result = '"';
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code < 0x80) {
      result += quoteAscii(code);
      continue;
    }
    if (code >= 0xd800 && code < 0xdc00 && index + 1 < text.length) {
      const next = text.charCodeAt(index + 1);
      if (next >= 0xdc00 && next < 0xe000) {
        result += quoteCodePoint(0x10000 + ((code - 0xd800) << 10) + (next - 0xdc00), text.slice(index, index + 2));
        index++;
        continue;
      }
    }
    if (code >= 0xd800 && code < 0xe000) result += `\\u${hex(code, 4)}`;
    else result += quoteCodePoint(code, text[index]);
  }
  return `${result}"`;
}

/**
 * The length of the valid UTF-8 sequence starting at `index` and its code point, or undefined
 * when the byte there does not start one (overlong forms and encoded surrogates are invalid).
 */
export function decodeUtf8At(bytes: Uint8Array, index: number): [codePoint: number, length: number] | undefined {
  const first = bytes[index];
  if (first < 0x80) return [first, 1];
  let length: number;
  let codePoint: number;
  let minimum: number;
  if (first >= 0xc2 && first <= 0xdf) [length, codePoint, minimum] = [2, first & 0x1f, 0x80];
  else if (first >= 0xe0 && first <= 0xef) [length, codePoint, minimum] = [3, first & 0x0f, 0x800];
  else if (first >= 0xf0 && first <= 0xf4) [length, codePoint, minimum] = [4, first & 0x07, 0x10000];
  else return undefined;
  if (index + length > bytes.length) return undefined;
  for (let offset = 1; offset < length; offset++) {
    const continuation = bytes[index + offset];
    if ((continuation & 0xc0) !== 0x80) return undefined;
    codePoint = (codePoint << 6) | (continuation & 0x3f);
  }
  if (codePoint < minimum || codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint < 0xe000)) return undefined;
  return [codePoint, length];
}

/** `b"..."`: printable UTF-8 text as itself, other code points escaped, invalid bytes as `\xXX`. */
export function quoteBytes(bytes: Uint8Array): string {
  let result = 'b"';
  for (let index = 0; index < bytes.length; ) {
    const byte = bytes[index];
    if (byte < 0x80) {
      result += quoteAscii(byte);
      index++;
      continue;
    }
    const decoded = decodeUtf8At(bytes, index);
    if (!decoded) {
      result += `\\x${hex(byte, 2)}`;
      index++;
      continue;
    }
    const [codePoint, length] = decoded;
    result += quoteCodePoint(codePoint, String.fromCodePoint(codePoint));
    index += length;
  }
  return `${result}"`;
}

/**
 * The text of a bytes value (`str(b)`): its UTF-8 decoding where every byte that is not part of
 * a valid sequence becomes one U+FFFD (the spec's rule; WHATWG decoders may merge several).
 */
export function decodeUtf8Replacing(bytes: Uint8Array): string {
  let result = '';
  let runStart = 0;
  let index = 0;
  const flushAscii = (): void => {
    if (runStart < index) result += String.fromCharCode.apply(null, bytes.subarray(runStart, index) as unknown as number[]);
  };
  while (index < bytes.length) {
    if (bytes[index] < 0x80) {
      index++;
      if (index - runStart >= 4096) {
        flushAscii();
        runStart = index;
      }
      continue;
    }
    flushAscii();
    const decoded = decodeUtf8At(bytes, index);
    if (decoded) {
      result += String.fromCodePoint(decoded[0]);
      index += decoded[1];
    } else {
      result += '\ufffd';
      index++;
    }
    runStart = index;
  }
  flushAscii();
  return result;
}
