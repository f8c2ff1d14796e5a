/**
 * Literal screens for RE2 patterns: a set of strings such that every match of the pattern
 * contains at least one of them, read off the pattern's syntax conservatively (when unsure,
 * there is no screen). A search then finds candidate lines with the engine's native substring
 * search over a whole stored chunk and gives only those lines to RE2, as grep tools do.
 *
 * The reader understands RE2's syntax enough to be safe, not to be complete: escapes that stand
 * for one character of a class (`\d`, `\x41`, `\pL`, `\p{Greek}`, octal) end a literal run rather
 * than adding to it; `\Q…\E` and inline flags (`(?i)`, `(?s:…)`) give no screen; a quantified
 * piece that may repeat ends the run after it, one that may be absent ends it before it.
 */

/** A parsed piece of a concatenation: a literal character, a group, or anything else. */
type Piece = { readonly kind: 'char'; readonly char: string; readonly min: number; readonly repeats: boolean } | { readonly kind: 'group'; readonly alternatives: Piece[][]; readonly min: number } | { readonly kind: 'other' };

class Unscreenable extends Error {}

/** Characters that give a pattern structure; anything else (or escaped punctuation) is literal. */
const META = new Set(['.', '*', '+', '?', '(', ')', '[', ']', '{', '}', '|', '^', '$', '\\']);
const REPETITION = /^\{(\d+)(,(\d*))?\}/;

/** The literal alternatives of a screen, or undefined when the pattern offers none of at least `minLength` characters. */
export function screenLiterals(source: string, minLength = 2): string[] | undefined {
  let alternatives: Piece[][];
  try {
    alternatives = new PatternReader(source).alternation(false);
  } catch (error) {
    if (error instanceof Unscreenable) return undefined;
    throw error;
  }
  const best = alternationFactor(alternatives);
  return best && best.every((literal) => literal.length >= minLength) ? best : undefined;
}

/** `FAIL|ERROR|timed out`: a pattern that is nothing but literal alternatives, else undefined. */
export function literalAlternatives(source: string): string[] | undefined {
  const alternatives: string[] = [''];
  for (let index = 0; index < source.length; index += 1) {
    const char = source[index]!;
    if (char === '|') {
      alternatives.push('');
    } else if (char === '\\') {
      const next = source[index + 1];
      if (next === undefined || /[A-Za-z0-9]/.test(next)) return undefined;
      alternatives[alternatives.length - 1] += next;
      index += 1;
    } else if (META.has(char) || char === '\n') {
      return undefined;
    } else {
      alternatives[alternatives.length - 1] += char;
    }
  }
  return alternatives;
}

/** The best single literal every match contains (the screen when it has one member), for tests and diagnostics. */
export function requiredLiteral(source: string): string | undefined {
  const literals = screenLiterals(source, 1);
  return literals?.length === 1 ? literals[0] : undefined;
}

/** Every alternative must offer a factor; the screen is the union of their best ones. */
function alternationFactor(alternatives: readonly Piece[][]): string[] | undefined {
  const union: string[] = [];
  for (const pieces of alternatives) {
    const factor = concatenationFactor(pieces);
    if (!factor) return undefined;
    union.push(...factor);
  }
  return [...new Set(union)];
}

/** The most selective factor of a concatenation: a run of required literal characters, or a required group's screen. */
function concatenationFactor(pieces: readonly Piece[]): string[] | undefined {
  const candidates: string[][] = [];
  let run = '';
  const endRun = (): void => {
    if (run.length > 0) candidates.push([run]);
    run = '';
  };
  for (const piece of pieces) {
    if (piece.kind === 'char') {
      if (piece.min === 0) {
        endRun();
        continue;
      }
      run += piece.char;
      if (piece.repeats) endRun();
    } else if (piece.kind === 'group') {
      endRun();
      const factor = piece.min > 0 ? alternationFactor(piece.alternatives) : undefined;
      if (factor) candidates.push(factor);
    } else {
      endRun();
    }
  }
  endRun();
  return candidates.reduce<string[] | undefined>((best, candidate) => (best === undefined || better(candidate, best) ? candidate : best), undefined);
}

/** A screen is as selective as its shortest literal; among equals, fewer literals are cheaper. */
function better(candidate: readonly string[], best: readonly string[]): boolean {
  const shortest = (literals: readonly string[]) => Math.min(...literals.map((literal) => literal.length));
  const difference = shortest(candidate) - shortest(best);
  return difference > 0 || (difference === 0 && candidate.length < best.length);
}

class PatternReader {
  private index = 0;

  constructor(private readonly source: string) {}

  /** Alternatives up to the end of the pattern, or up to the `)` closing the current group. */
  alternation(inGroup: boolean): Piece[][] {
    const alternatives: Piece[][] = [[]];
    while (this.index < this.source.length) {
      const char = this.source[this.index]!;
      if (char === ')') {
        if (!inGroup) throw new Unscreenable();
        return alternatives;
      }
      if (char === '|') {
        this.index += 1;
        alternatives.push([]);
        continue;
      }
      alternatives[alternatives.length - 1]!.push(this.quantified(this.atom()));
    }
    if (inGroup) throw new Unscreenable();
    return alternatives;
  }

  private atom(): Piece {
    const char = this.source[this.index]!;
    this.index += 1;
    switch (char) {
      case '\\':
        return this.escape();
      case '[':
        this.skipClass();
        return { kind: 'other' };
      case '(':
        return this.group();
      case '.':
      case '^':
      case '$':
        return { kind: 'other' };
      case '*':
      case '+':
      case '?':
      case '{':
      case '}':
      case ']':
        // A quantifier with nothing to repeat, or a brace that is not a repetition: leave the screen to RE2.
        return { kind: 'other' };
      case '\n':
        return { kind: 'other' };
      default:
        return { kind: 'char', char, min: 1, repeats: false };
    }
  }

  private escape(): Piece {
    const next = this.source[this.index];
    if (next === undefined) throw new Unscreenable();
    this.index += 1;
    if (!/[A-Za-z0-9]/.test(next)) return { kind: 'char', char: next, min: 1, repeats: false };
    if (next === 'Q') throw new Unscreenable();
    if (next === 'x' || next === 'p' || next === 'P') {
      if (this.source[this.index] === '{') this.skipPast('}');
      else this.index += next === 'x' ? 2 : 1;
    } else if (/[0-7]/.test(next)) {
      while (this.index < this.source.length && /[0-7]/.test(this.source[this.index]!)) this.index += 1;
    }
    return { kind: 'other' };
  }

  private group(): Piece {
    if (this.source[this.index] === '?') {
      const rest = this.source.slice(this.index);
      const named = /^\?P?<[A-Za-z0-9_]+>/.exec(rest);
      if (named) this.index += named[0].length;
      else if (rest.startsWith('?:')) this.index += 2;
      else throw new Unscreenable(); // inline flags change what the literals mean
    }
    const alternatives = this.alternation(true);
    this.index += 1; // the closing parenthesis
    return { kind: 'group', alternatives, min: 1 };
  }

  /** Skips `[...]`: a `]` first (after an optional `^`) is a member, `[:alpha:]` is one, escapes are skipped. */
  private skipClass(): void {
    if (this.source[this.index] === '^') this.index += 1;
    if (this.source[this.index] === ']') this.index += 1;
    while (this.index < this.source.length) {
      const char = this.source[this.index]!;
      if (char === '\\') this.index += 2;
      else if (char === '[' && this.source[this.index + 1] === ':') this.skipPast(':]');
      else if (char === ']') {
        this.index += 1;
        return;
      } else this.index += 1;
    }
    throw new Unscreenable();
  }

  private skipPast(end: string): void {
    const at = this.source.indexOf(end, this.index);
    if (at === -1) throw new Unscreenable();
    this.index = at + end.length;
  }

  /** Applies a following quantifier (and its lazy `?`) to the piece. */
  private quantified(piece: Piece): Piece {
    const next = this.source[this.index];
    let min: number;
    let repeats: boolean;
    if (next === '*' || next === '+' || next === '?') {
      this.index += 1;
      min = next === '+' ? 1 : 0;
      repeats = next !== '?';
    } else if (next === '{') {
      const repetition = REPETITION.exec(this.source.slice(this.index));
      if (!repetition) return piece; // a literal brace, read as `other` next
      this.index += repetition[0].length;
      min = Number(repetition[1]);
      repeats = repetition[2] !== undefined || min > 1;
    } else {
      return piece;
    }
    if (this.source[this.index] === '?') this.index += 1;
    if (piece.kind === 'char') return { ...piece, min, repeats };
    if (piece.kind === 'group') return { ...piece, min };
    return piece;
  }
}
