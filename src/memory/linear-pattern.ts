import { RE2JS } from 're2js';
import { MemoryOperationError } from '../engine/index.js';
import { literalAlternatives, screenLiterals } from './literal-screen.js';

/** A line of a chunk that matched: its 0-based index in the chunk and its text. */
export interface MatchedLine {
  readonly index: number;
  readonly text: string;
}

/**
 * A regular expression that runs in time linear in its input (RE2 semantics: no backreferences,
 * no lookaround), so a pattern a model writes can never make a search backtrack for hours.
 * RE2JS is correct but far slower than V8's engine, so a chunk is first screened for literals
 * every match contains (literal-screen.ts) with the engine's native substring search, and only
 * the lines holding one are given to RE2; a pattern that is nothing but literals needs no RE2.
 * The screen can only skip lines that cannot match. A pattern without a screen runs RE2 on
 * every line.
 */
export class LinearPattern {
  private readonly compiled: RE2JS;
  /** Every match contains one of these (lower-cased when ignoring case), or there is no screen. */
  readonly screen: readonly string[] | undefined;
  /** The whole pattern is the screen's literals: a line holding one matches. */
  private readonly exact: boolean;

  constructor(
    readonly source: string,
    readonly ignoreCase: boolean,
  ) {
    try {
      this.compiled = RE2JS.compile(source, ignoreCase ? RE2JS.CASE_INSENSITIVE : 0);
    } catch (error) {
      throw new MemoryOperationError(`invalid regular expression ${JSON.stringify(source)}: ${(error as Error).message} (RE2 syntax: no backreferences or lookaround)`);
    }
    // Ignoring case, only ASCII literals screen: their case partners are known (see foldCase).
    const usable = (literals: readonly string[] | undefined) => literals !== undefined && literals.every((literal) => literal.length > 0 && (!ignoreCase || /^[\x00-\x7f]*$/.test(literal)));
    const fold = (text: string) => (ignoreCase ? text.toLowerCase() : text);
    const alternatives = literalAlternatives(source);
    const screen = usable(alternatives) ? alternatives : screenLiterals(source);
    this.exact = screen !== undefined && screen === alternatives;
    this.screen = usable(screen) ? screen!.map(fold) : undefined;
  }

  /** Whether the line matches (anywhere in it, as grep does). */
  test(line: string): boolean {
    if (this.screen) {
      const folded = this.ignoreCase ? foldCase(line) : line;
      const screened = this.screen.some((literal) => folded.includes(literal));
      if (!screened || this.exact) return screened;
    }
    return this.compiled.matcher(line).find();
  }

  /**
   * The matching lines of a chunk of whole lines (a final newline ends the last line), in order.
   * With a screen, candidates are found by substring search over the whole chunk; lines without
   * a candidate are never split out or looked at.
   */
  *matchingLines(text: string): Generator<MatchedLine> {
    const haystack = this.screen && this.ignoreCase ? foldCase(text) : text;
    // Folding that changed the length (rare non-ASCII letters) would misalign offsets: test line by line.
    if (!this.screen || haystack.length !== text.length) {
      yield* this.everyLine(text);
      return;
    }
    const next = this.screen.map(() => -1);
    let index = 0;
    let counted = 0;
    for (let from = 0; from < text.length; ) {
      let at = -1;
      for (let literal = 0; literal < next.length; literal += 1) {
        if (next[literal]! < from && next[literal] !== Number.MAX_SAFE_INTEGER) {
          const found = haystack.indexOf(this.screen[literal]!, from);
          next[literal] = found === -1 ? Number.MAX_SAFE_INTEGER : found;
        }
        if (next[literal]! !== Number.MAX_SAFE_INTEGER && (at === -1 || next[literal]! < at)) at = next[literal]!;
      }
      if (at === -1) return;
      const start = text.lastIndexOf('\n', at - 1) + 1;
      const newline = text.indexOf('\n', at);
      const end = newline === -1 ? text.length : newline;
      for (let scan = text.indexOf('\n', counted); scan !== -1 && scan < start; scan = text.indexOf('\n', scan + 1)) index += 1;
      counted = start;
      const line = text.slice(start, end);
      if (this.exact || this.compiled.matcher(line).find()) yield { index, text: line };
      from = end + 1;
    }
  }

  private *everyLine(text: string): Generator<MatchedLine> {
    let index = 0;
    for (let start = 0; start < text.length; index += 1) {
      const newline = text.indexOf('\n', start);
      const end = newline === -1 ? text.length : newline;
      const line = text.slice(start, end);
      if (this.test(line)) yield { index, text: line };
      start = end + 1;
    }
  }
}

/**
 * Lower case as RE2 folds ASCII letters: toLowerCase maps every case partner of an ASCII letter to
 * it (the Kelvin sign included) except the long s, mapped here. Extra matches are harmless (RE2
 * still decides); a missed one would not be.
 */
function foldCase(text: string): string {
  const lower = text.toLowerCase();
  return lower.includes('\u017f') ? lower.replace(/\u017f/g, 's') : lower;
}
