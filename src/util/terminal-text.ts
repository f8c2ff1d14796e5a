import { Buffer } from 'node:buffer';

/**
 * Text from a run (model output, leaf output, command output, provider error bodies, node
 * labels a model wrote through `expand`) is untrusted. Printed raw, it can drive the terminal:
 * OSC 0 sets the window title, OSC 52 writes the clipboard, CSI moves the cursor and erases
 * what WhaleFlow printed, a lone CR overwrites a line, bidi overrides reorder what the reader
 * sees. Every place that prints such text to a terminal passes it through one of these two
 * functions, which replace each control character by a visible escape (`\x1b`, `\u202e`), so
 * the text stays readable and nothing it contains is interpreted.
 *
 * What is escaped: C0 controls (U+0000–U+001F) and DEL, C1 controls (U+0080–U+009F; CSI and
 * OSC have one-byte forms there), the bidirectional formatting characters (U+061C, U+200E,
 * U+200F, U+202A–U+202E, U+2066–U+2069) and the line/paragraph separators U+2028/U+2029.
 * `escapeTerminalText` keeps line feeds and tabs (multi-line output stays multi-line; CR LF
 * line ends print as LF); `escapeTerminalLine` escapes them too, for one-line surfaces (a run
 * list row, a progress line, a label).
 */

const MULTI_LINE_UNSAFE = /\r\n|[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const SINGLE_LINE_UNSAFE = /[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const NAMED_ESCAPES: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** Untrusted multi-line text made safe to print: control characters shown as escapes, line feeds and tabs kept. */
export function escapeTerminalText(text: string): string {
  MULTI_LINE_UNSAFE.lastIndex = 0;
  if (!MULTI_LINE_UNSAFE.test(text)) return text;
  MULTI_LINE_UNSAFE.lastIndex = 0;
  return text.replace(MULTI_LINE_UNSAFE, (character) => (character === '\r\n' ? '\n' : visibleEscape(character)));
}

/** Untrusted text made safe to print on one line: every control character, line feeds and tabs included, shown as an escape. */
export function escapeTerminalLine(text: string): string {
  SINGLE_LINE_UNSAFE.lastIndex = 0;
  if (!SINGLE_LINE_UNSAFE.test(text)) return text;
  SINGLE_LINE_UNSAFE.lastIndex = 0;
  return text.replace(SINGLE_LINE_UNSAFE, visibleEscape);
}

function visibleEscape(character: string): string {
  const named = NAMED_ESCAPES[character];
  if (named !== undefined) return named;
  const code = character.charCodeAt(0);
  return code < 0x80 ? `\\x${hex(code, 2)}` : `\\u${hex(code, 4)}`;
}

function hex(code: number, width: number): string {
  return code.toString(16).padStart(width, '0');
}

/** Text made safe inside HTML element content and double- or single-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => HTML_ENTITIES[character] ?? character);
}

const HTML_ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * JSON for a terminal: `JSON.stringify` escapes C0 controls but leaves DEL, C1 controls, bidi
 * overrides and U+2028/U+2029 raw; they are written as `\uXXXX` escapes instead. The document
 * parses to the same value, so a `--json` output piped into a program is unchanged in meaning.
 */
export function terminalSafeJson(value: unknown, indent?: number): string {
  return escapeJsonText(JSON.stringify(value, null, indent) ?? 'null');
}

/** JSON text (a whole document or a piece of one) with the characters above written as escapes. */
export function escapeJsonText(json: string): string {
  // All of them but DEL lie above ASCII: text of ASCII alone is checked with two native scans,
  // ~15x faster than the expression on the megabytes `run --json` prints for a wide run.
  if (isAscii(json) && !json.includes('\x7f')) return json;
  JSON_UNSAFE.lastIndex = 0;
  if (!JSON_UNSAFE.test(json)) return json;
  JSON_UNSAFE.lastIndex = 0;
  return json.replace(JSON_UNSAFE, (character) => `\\u${hex(character.charCodeAt(0), 4)}`);
}

const JSON_UNSAFE = /[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** Every character below U+0080: its UTF-8 takes one byte per character only then. */
function isAscii(text: string): boolean {
  return Buffer.byteLength(text, 'utf8') === text.length;
}
