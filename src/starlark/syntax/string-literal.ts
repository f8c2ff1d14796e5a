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
      index = appendByteEscape(code, body.slice(index, end), index, end);
      continue;
    }
    if (next === 'x') {
      const digits = body.slice(index + 2, index + 4);
      if (!/^[0-9a-fA-F]{2}$/.test(digits)) throw new EscapeError('invalid escape sequence \\x: want two hex digits', index);
      index = appendByteEscape(parseInt(digits, 16), `\\x${digits}`, index, index + 4);
      continue;
    }
    if (next === 'u' || next === 'U') {
      const length = next === 'u' ? 4 : 8;
      const digits = body.slice(index + 2, index + 2 + length);
      if (!new RegExp(`^[0-9a-fA-F]{${length}}$`).test(digits)) {
        throw new EscapeError(`invalid escape sequence \\${next}: want ${length} hex digits`, index);
      }
      const codePoint = parseInt(digits, 16);
      if (codePoint > 0x10ffff) throw new EscapeError(`invalid Unicode code point \\${next}${digits}`, index);
      if (codePoint >= 0xd800 && codePoint < 0xe000) throw new EscapeError(`invalid Unicode surrogate \\${next}${digits}`, index);
      text += String.fromCodePoint(codePoint);
      index += 2 + length;
      continue;
    }
    throw new EscapeError(`invalid escape sequence \\${next ?? ''}`, index);
  }

  function appendByteEscape(code: number, spelling: string, start: number, end: number): number {
    if (code > 255) throw new EscapeError(`invalid escape sequence ${spelling}: value exceeds 255`, start);
    if (bytes) {
      flushText();
      output.push(code);
    } else {
      if (code > 127) throw new EscapeError(`non-ASCII escape ${spelling} in string literal (use \\u)`, start);
      text += String.fromCharCode(code);
    }
    return end;
  }

  if (!bytes) return { kind: 'string', value: text };
  flushText();
  return { kind: 'bytes', value: Uint8Array.from(output) };
}
