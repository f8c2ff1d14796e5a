import { RE2JS } from 're2js';
import { MemoryOperationError } from '../engine/index.js';

/**
 * A regular expression that runs in time linear in its input (RE2 semantics: no backreferences,
 * no lookaround), so a pattern a model writes can never make a search backtrack for hours.
 * RE2JS is correct but far slower than V8's engine, so lines are first screened by a literal the
 * pattern cannot match without (found conservatively; when unsure there is no screen): only lines
 * containing it are given to RE2. The screen can only skip lines that cannot match.
 */
export class LinearPattern {
  private readonly compiled: RE2JS;
  /** A substring every match contains (lower-cased when ignoring case), or undefined. */
  readonly requiredLiteral: string | undefined;
  /** The whole pattern is literal alternatives: a substring test decides, RE2 is not needed. */
  private readonly literals: readonly string[] | undefined;

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
    const usable = (literal: string) => literal.length > 0 && (!ignoreCase || /^[\x00-\x7f]*$/.test(literal));
    const fold = (text: string) => (ignoreCase ? text.toLowerCase() : text);
    const alternatives = literalAlternatives(source);
    this.literals = alternatives && alternatives.every(usable) ? alternatives.map(fold) : undefined;
    const required = requiredLiteral(source);
    this.requiredLiteral = required !== undefined && required.length >= 2 && usable(required) ? fold(required) : undefined;
  }

  /** Whether the line matches (anywhere in it, as grep does). */
  test(line: string): boolean {
    if (this.literals || this.requiredLiteral !== undefined) {
      const folded = this.ignoreCase ? foldCase(line) : line;
      if (this.literals) return this.literals.some((literal) => folded.includes(literal));
      if (!folded.includes(this.requiredLiteral!)) return false;
    }
    return this.compiled.matcher(line).find();
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

/** Characters that give a pattern structure; anything else (or escaped punctuation) is literal. */
const META = new Set(['.', '*', '+', '?', '(', ')', '[', ']', '{', '}', '|', '^', '$', '\\']);
const QUANTIFIERS = new Set(['*', '+', '?', '{']);

/** Escapes that stand for the punctuation they escape (`\.` is a dot); `\d`, `\b`… are classes or assertions. */
function escapedLiteral(char: string | undefined): string | undefined {
  if (char === undefined) return undefined;
  return /[A-Za-z0-9]/.test(char) ? undefined : char;
}

/** `FAIL|ERROR|timed out`: a pattern that is nothing but literal alternatives, else undefined. */
export function literalAlternatives(source: string): string[] | undefined {
  const alternatives: string[] = [''];
  for (let index = 0; index < source.length; index += 1) {
    const char = source[index]!;
    if (char === '|') {
      alternatives.push('');
    } else if (char === '\\') {
      const literal = escapedLiteral(source[index + 1]);
      if (literal === undefined) return undefined;
      alternatives[alternatives.length - 1] += literal;
      index += 1;
    } else if (META.has(char)) {
      return undefined;
    } else {
      alternatives[alternatives.length - 1] += char;
    }
  }
  return alternatives;
}

/**
 * The longest run of literal characters that every match must contain, read off the top level
 * of the pattern: none when it has a top-level alternation or inline flags, runs are broken by
 * anything that is not a plain character, a character followed by a quantifier is optional (it
 * ends the run before it), and groups and classes are skipped whole.
 */
export function requiredLiteral(source: string): string | undefined {
  if (source.includes('(?')) return undefined;
  let depth = 0;
  let inClass = false;
  let best = '';
  let run = '';
  const endRun = () => {
    if (run.length > best.length) best = run;
    run = '';
  };
  for (let index = 0; index < source.length; index += 1) {
    const char = source[index]!;
    if (inClass) {
      if (char === '\\') index += 1;
      else if (char === ']') inClass = false;
      continue;
    }
    if (char === '[') {
      endRun();
      inClass = true;
      continue;
    }
    if (char === '(') {
      endRun();
      depth += 1;
      continue;
    }
    if (char === ')') {
      depth -= 1;
      continue;
    }
    if (depth > 0) continue;
    if (char === '{') {
      // A counted repetition `{2,5}`: its digits are not literal text.
      endRun();
      const close = source.indexOf('}', index);
      index = close === -1 ? source.length : close;
      continue;
    }
    if (char === '|') return undefined;
    let literal: string | undefined;
    let width = 1;
    if (char === '\\') {
      literal = escapedLiteral(source[index + 1]);
      width = 2;
    } else if (!META.has(char)) {
      literal = char;
    }
    const next = source[index + width];
    if (literal === undefined) {
      endRun();
    } else if (next !== undefined && QUANTIFIERS.has(next)) {
      // `ab*`: the b is optional (and `ab+` repeats it); the run ends before it.
      endRun();
    } else {
      run += literal;
    }
    index += width - 1;
  }
  endRun();
  return best.length > 0 ? best : undefined;
}
