/** The repairs the one bounded repair pass may make; nothing else is ever changed. */
export type JsonRepair = 'trailing commas' | 'single quotes' | 'unquoted keys';

/**
 * One forward pass over almost-JSON that fixes exactly three common model mistakes: trailing
 * commas before `}`/`]`, 'single-quoted' strings, and unquoted object keys. Newlines are kept,
 * so line numbers stay right (columns may shift by the quotes added). Nothing is evaluated.
 */
export function repairJson(text: string): { text: string; repairs: JsonRepair[] } {
  const repairs = new Set<JsonRepair>();
  let out = '';
  let index = 0;
  while (index < text.length) {
    const char = text[index]!;
    if (char === '"') {
      const end = endOfString(text, index, '"');
      out += text.slice(index, end);
      index = end;
    } else if (char === "'") {
      const end = endOfString(text, index, "'");
      out += JSON.stringify(unescapeSingleQuoted(text.slice(index + 1, end - 1)));
      repairs.add('single quotes');
      index = end;
    } else if (/[A-Za-z_$]/.test(char)) {
      const word = /^[A-Za-z_$][\w$-]*/.exec(text.slice(index, index + 200))![0];
      const isKey = text[skipWhitespace(text, index + word.length)] === ':';
      out += isKey ? JSON.stringify(word) : word;
      if (isKey) repairs.add('unquoted keys');
      index += word.length;
    } else if (char === ',' && '}]'.includes(text[skipWhitespace(text, index + 1)] ?? '')) {
      repairs.add('trailing commas');
      index += 1;
    } else {
      out += char;
      index += 1;
    }
  }
  return { text: out, repairs: [...repairs] };
}

/** The offset just past the string that starts at `start` (or the end of the text). */
export function endOfString(text: string, start: number, quote: string): number {
  let index = start + 1;
  while (index < text.length && text[index] !== quote) index += text[index] === '\\' ? 2 : 1;
  return Math.min(index + 1, text.length);
}

function skipWhitespace(text: string, index: number): number {
  while (index < text.length && /\s/.test(text[index]!)) index += 1;
  return index;
}

/** `it\'s "x"` → `it's "x"`; other escapes are kept for JSON to read. */
function unescapeSingleQuoted(body: string): string {
  let value = '';
  for (let index = 0; index < body.length; index += 1) {
    if (body[index] === '\\' && index + 1 < body.length) {
      const next = body[index + 1]!;
      const hex = next === 'u' ? /^[0-9a-fA-F]{4}/.exec(body.slice(index + 2, index + 6)) : null;
      if (hex) {
        value += String.fromCharCode(parseInt(hex[0], 16));
        index += 5;
        continue;
      }
      const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', "'": "'", '"': '"', '\\': '\\', '/': '/' };
      value += simple[next] ?? next;
      index += 1;
    } else value += body[index];
  }
  return value;
}
