/** Decoded content of a quoted literal: text for strings, UTF-8 bytes for bytes. */
export type DecodedLiteral = { readonly kind: 'string'; readonly value: string } | { readonly kind: 'bytes'; readonly value: Uint8Array };

/** Thrown by decodeEscapes with the offset of the offending escape inside the body. */
export class EscapeError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

const encoder = new TextEncoder();

function hex4(code: number): string {
  return code.toString(16).toUpperCase().padStart(4, '0');
}

/** The hint the reference gives after a non-ASCII escape in a string literal. */
function useUnicodeEscape(code: number): string {
  return `(use \\u${hex4(code)} for the UTF-8 encoding of U+${hex4(code)})`;
}

const SIMPLE_ESCAPES: Readonly<Record<string, number>> = {
  a: 0x07, b: 0x08, f: 0x0c, n: 0x0a, r: 0x0d, t: 0x09, v: 0x0b, '\\': 0x5c, "'": 0x27, '"': 0x22,
};

/**
 * Decodes the body of a literal (between the quotes). Raw literals keep backslashes; otherwise
 * escapes follow the spec: \a \b \f \n \r \t \v \\ \' \" \<newline>, octal \ooo, \xhh, \uXXXX,
 * \UXXXXXXXX. Octal and hex escapes above 127 are only allowed in bytes.
 */
export function decodeEscapes(body: string, raw: boolean, bytes: boolean): DecodedLiteral {
  if (raw) return bytes ? { kind: 'bytes', value: encoder.encode(body) } : { kind: 'string', value: body };
  const output: number[] = [];
  let text = '';
  const flushText = (): void => {
    if (bytes && text) for (const byte of encoder.encode(text)) output.push(byte);
    if (bytes) text = '';
  };
  let index = 0;
  while (index < body.length) {
    const character = body[index];
    if (character !== '\\') {
      text += character;
      index++;
      continue;
    }
    const next = body[index + 1];
    if (next === '\n') {
      index += 2;
      continue;
    }
    if (next in SIMPLE_ESCAPES) {
      text += String.fromCharCode(SIMPLE_ESCAPES[next]);
      index += 2;
      continue;
    }
    if (next >= '0' && next <= '7') {
      let end = index + 1;
      while (end < index + 4 && body[end] >= '0' && body[end] <= '7') end++;
      const code = parseInt(body.slice(index + 1, end), 8);
      if (code > 255) throw new EscapeError(`invalid escape sequence \\${code.toString(8).padStart(3, '0')}`, index);
      if (!bytes && code > 127) throw new EscapeError(`non-ASCII octal escape \\${code.toString(8)} ${useUnicodeEscape(code)}`, index);
      index = appendByte(code, end);
      continue;
    }
    if (next === 'x') {
      const spelling = body.slice(index, index + 4);
      if (spelling.length < 4) throw new EscapeError(`truncated escape sequence ${body.slice(index)}`, index);
      if (!/^\\x[0-9a-fA-F]{2}$/.test(spelling)) throw new EscapeError(`invalid escape sequence ${spelling}`, index);
      const code = parseInt(spelling.slice(2), 16);
      if (!bytes && code > 127) throw new EscapeError(`non-ASCII hex escape ${spelling} ${useUnicodeEscape(code)}`, index);
      index = appendByte(code, index + 4);
      continue;
    }
    if (next === 'u' || next === 'U') {
      const size = next === 'u' ? 6 : 10;
      const spelling = body.slice(index, index + size);
      if (spelling.length < size) throw new EscapeError(`truncated escape sequence ${body.slice(index)}`, index);
      if (!/^\\[uU][0-9a-fA-F]+$/.test(spelling)) throw new EscapeError(`invalid escape sequence ${spelling}`, index);
      const codePoint = parseInt(spelling.slice(2), 16);
      if (codePoint > 0x10ffff) throw new EscapeError(`code point out of range: ${spelling} (max \\U0010ffff)`, index);
      if (codePoint >= 0xd800 && codePoint < 0xe000) throw new EscapeError(`invalid Unicode code point U+${hex4(codePoint)}`, index);
      text += String.fromCodePoint(codePoint);
      index += size;
      continue;
    }
    if (next === undefined) throw new EscapeError('truncated escape sequence \\', index);
    throw new EscapeError(`invalid escape sequence \\${next}`, index);
  }

  function appendByte(code: number, end: number): number {
    if (bytes) {
      flushText();
      output.push(code);
    } else {
      text += String.fromCharCode(code);
    }
    return end;
  }

  if (!bytes) return { kind: 'string', value: text };
  flushText();
  return { kind: 'bytes', value: Uint8Array.from(output) };
}
