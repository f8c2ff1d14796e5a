import { lazyRegExp } from '../../util/index.js';

/**
 * Unicode character classes for the string case methods, per code point. Titlecase letters
 * (category Lt, such as `ǅ`) are cased but neither upper- nor lowercase, which is why a plain
 * `c === c.toUpperCase()` test gets them wrong. Each is built on first use (lazyRegExp): most
 * programs never ask.
 */

export const isUppercase = lazyRegExp(() => /^\p{Uppercase}$/u);
export const isLowercase = lazyRegExp(() => /^\p{Lowercase}$/u);
export const isTitlecase = lazyRegExp(() => /^\p{Lt}$/u);
export const isCased = lazyRegExp(() => /^\p{Cased}$/u);

/**
 * Titlecase mappings that differ from uppercase: the Latin digraphs, whose titlecase form is a
 * letter of its own (DŽ Dž dž → Dž).
 */
const TITLECASE_MAPPINGS: ReadonlyMap<string, string> = new Map(
  [
    ['\u01c4', '\u01c5'], ['\u01c5', '\u01c5'], ['\u01c6', '\u01c5'],
    ['\u01c7', '\u01c8'], ['\u01c8', '\u01c8'], ['\u01c9', '\u01c8'],
    ['\u01ca', '\u01cb'], ['\u01cb', '\u01cb'], ['\u01cc', '\u01cb'],
    ['\u01f1', '\u01f2'], ['\u01f2', '\u01f2'], ['\u01f3', '\u01f2'],
  ],
);

/**
 * The titlecase form of one code point. Where uppercasing expands a character (`ß` → `SS`,
 * `ﬁ` → `FI`), the titlecase form keeps only the first letter upper (`Ss`, `Fi`), as Unicode's
 * special casing does.
 */
export function toTitlecase(character: string): string {
  const mapped = TITLECASE_MAPPINGS.get(character);
  if (mapped !== undefined) return mapped;
  const upper = character.toUpperCase();
  const first = String.fromCodePoint(upper.codePointAt(0) ?? 0);
  if (first.length === upper.length) return upper;
  return first + upper.slice(first.length).toLowerCase();
}

/**
 * Whitespace as the reference implementation defines it (Go's unicode.IsSpace): the ASCII
 * spaces, U+0085, U+00A0 and the Unicode separators. Unlike JS `\s`, U+FEFF is not a space.
 */
export const isWhitespace = lazyRegExp(() => /^[\t\n\v\f\r \u0085\u00a0\p{Z}]$/u);
