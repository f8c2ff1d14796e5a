import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeHtml, escapeJsonText, escapeTerminalLine, escapeTerminalText, terminalSafeJson } from './terminal-text.js';

/** Sequences a model could put in its output to act on the user's terminal. */
const HOSTILE = {
  title: '\x1b]0;pwned\x07',
  clipboard: '\x1b]52;c;Y3VybCBldmlsLnNoIHwgc2g=\x1b\\',
  csi: '\x1b[2J\x1b[1;1H',
  bell: '\x07',
  c1Csi: '\u009b31m',
  c1Osc: '\u009d0;title\u009c',
  bidi: 'access \u202egranted\u202c \u2066x\u2069',
  carriageReturn: 'ok\rFAILED',
  nul: 'a\x00b',
  delete: 'a\x7fb',
  lineSeparator: 'a\u2028b',
};

/** Nothing a terminal would act on: no C0 control but LF (and TAB where allowed), no DEL, no C1, no bidi. */
function assertInert(text: string, allowed: RegExp): void {
  for (const character of text) {
    const code = character.codePointAt(0)!;
    const control = code < 0x20 || (code >= 0x7f && code <= 0x9f) || /[\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/.test(character);
    if (control) expect(character).toMatch(allowed);
  }
}

describe('escapeTerminalText', () => {
  it('shows every control sequence as a visible escape and keeps the text around it', () => {
    for (const sample of Object.values(HOSTILE)) assertInert(escapeTerminalText(sample), /\n/);
    expect(escapeTerminalText(HOSTILE.title)).toBe('\\x1b]0;pwned\\x07');
    expect(escapeTerminalText(HOSTILE.clipboard)).toBe('\\x1b]52;c;Y3VybCBldmlsLnNoIHwgc2g=\\x1b\\');
    expect(escapeTerminalText(HOSTILE.c1Csi)).toBe('\\u009b31m');
    expect(escapeTerminalText(HOSTILE.bidi)).toBe('access \\u202egranted\\u202c \\u2066x\\u2069');
    expect(escapeTerminalText(HOSTILE.carriageReturn)).toBe('ok\\rFAILED');
    expect(escapeTerminalText(HOSTILE.nul)).toBe('a\\x00b');
    expect(escapeTerminalText(HOSTILE.delete)).toBe('a\\x7fb');
    expect(escapeTerminalText(HOSTILE.lineSeparator)).toBe('a\\u2028b');
  });

  it('keeps line feeds and tabs, prints CR LF as LF, and leaves ordinary text (unicode included) untouched', () => {
    expect(escapeTerminalText('line 1\r\n\tline 2\n')).toBe('line 1\n\tline 2\n');
    const plain = 'héllo wörld — 日本語 🐋 "quoted" \\ backslash';
    expect(escapeTerminalText(plain)).toBe(plain);
  });
});

describe('escapeTerminalLine', () => {
  it('also escapes line feeds and tabs, so a row stays one row', () => {
    expect(escapeTerminalLine('a\nb\tc\r\nd')).toBe('a\\nb\\tc\\r\\nd');
    for (const sample of Object.values(HOSTILE)) assertInert(escapeTerminalLine(sample), /^$/);
  });
});

describe('terminalSafeJson', () => {
  it('writes C1, DEL and bidi characters as \\u escapes and still parses to the same value', () => {
    const value = { output: Object.values(HOSTILE).join(' | ') };
    const json = terminalSafeJson(value, 2);
    assertInert(json, /\n/);
    expect(JSON.parse(json)).toEqual(value);
  });
});

describe('escapeJsonText', () => {
  const reference = (json: string) => json.replace(/[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`);

  it('escapes exactly the listed characters, in ASCII text and in any other', () => {
    const character = fc.oneof(fc.constantFrom('\x7f', '\x80', '\x9b', '\xa0', 'é', '\u061c', '\u200e', '\u2028', '\u202e', '\u2069', '✓', '\ud83d\ude00', '\ud800'), fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)), fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)));
    fc.assert(fc.property(fc.array(character, { maxLength: 40 }), (characters) => escapeJsonText(characters.join('')) === reference(characters.join(''))), { numRuns: 3000 });
    expect(escapeJsonText('{"a":"b\x7f"}')).toBe('{"a":"b\\u007f"}');
  });
});

describe('escapeHtml', () => {
  it('escapes markup and both quote kinds', () => {
    expect(escapeHtml(`<script>alert("x")</script> & 'y'`)).toBe('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;');
  });
});
