/**
 * Minimal path globs: `**` spans directories, `*` and `?` stay within one segment. Paths use `/`.
 * Enough for file scopes; not a shell glob (no braces, no character classes).
 *
 * Globs can come from model output (an expansion's or a plan's file_scope), so matching must
 * never backtrack: a glob like `a*a*a*a*…b` compiled to a JavaScript RegExp takes exponential
 * time on a long path and freezes the process. This matcher simulates all positions of the
 * glob at once (a Thompson-style NFA over its tokens): time is O(path × glob), always.
 */

type GlobToken =
  | { readonly kind: 'literal'; readonly char: string }
  /** `?`: one character other than `/`. */
  | { readonly kind: 'one' }
  /** `*`: any run of characters without `/`. */
  | { readonly kind: 'segment' }
  /** `**` not followed by `/`: any run of characters. */
  | { readonly kind: 'anything' }
  /** `**\/`: nothing, or any run of characters ending in `/`. */
  | { readonly kind: 'directories' };

/** A compiled glob: `matches(path)` runs in time linear in the path (times the glob's length). */
export interface GlobMatcher {
  readonly glob: string;
  matches(path: string): boolean;
}

export function compileGlob(glob: string): GlobMatcher {
  const tokens = tokenize(glob);
  return { glob, matches: (path) => simulate(tokens, path) };
}

function tokenize(glob: string): GlobToken[] {
  const tokens: GlobToken[] = [];
  for (let index = 0; index < glob.length; index += 1) {
    const char = glob[index]!;
    if (char === '*' && glob[index + 1] === '*') {
      const followedBySlash = glob[index + 2] === '/';
      tokens.push({ kind: followedBySlash ? 'directories' : 'anything' });
      index += followedBySlash ? 2 : 1;
    } else if (char === '*') {
      tokens.push({ kind: 'segment' });
    } else if (char === '?') {
      tokens.push({ kind: 'one' });
    } else {
      tokens.push({ kind: 'literal', char });
    }
  }
  return tokens;
}

/*
 * States: `i` (0..tokens.length) means "tokens before i are matched"; for a `directories` token
 * at i there is one more state, "inside it" (some characters consumed, waiting for a `/`), kept
 * in a second set. Star-like tokens match the empty string, so their state also holds i+1.
 */
function simulate(tokens: readonly GlobToken[], path: string): boolean {
  const size = tokens.length + 1;
  let current = new Uint8Array(size);
  let inside = new Uint8Array(size);
  addState(tokens, current, 0);
  for (let at = 0; at < path.length; at += 1) {
    const char = path[at]!;
    const next = new Uint8Array(size);
    const nextInside = new Uint8Array(size);
    let alive = false;
    for (let state = 0; state < tokens.length; state += 1) {
      if (current[state]) alive = step(tokens, state, char, next, nextInside) || alive;
      if (inside[state]) {
        nextInside[state] = 1;
        alive = true;
        if (char === '/') addState(tokens, next, state + 1);
      }
    }
    if (!alive) return false;
    current = next;
    inside = nextInside;
  }
  return current[tokens.length] === 1;
}

/** Consumes `char` from `state`; returns whether any state survives. */
function step(tokens: readonly GlobToken[], state: number, char: string, next: Uint8Array, nextInside: Uint8Array): boolean {
  const token = tokens[state]!;
  switch (token.kind) {
    case 'literal':
      if (token.char !== char) return false;
      addState(tokens, next, state + 1);
      return true;
    case 'one':
      if (char === '/') return false;
      addState(tokens, next, state + 1);
      return true;
    case 'segment':
      if (char === '/') return false;
      addState(tokens, next, state);
      return true;
    case 'anything':
      addState(tokens, next, state);
      return true;
    case 'directories':
      nextInside[state] = 1;
      if (char === '/') addState(tokens, next, state + 1);
      return true;
  }
}

/** Adds a state and everything reachable from it without consuming a character. */
function addState(tokens: readonly GlobToken[], states: Uint8Array, state: number): void {
  for (let at = state; at <= tokens.length && !states[at]; at += 1) {
    states[at] = 1;
    const kind = tokens[at]?.kind;
    if (kind !== 'segment' && kind !== 'anything' && kind !== 'directories') return;
  }
}

export function hasWildcard(glob: string): boolean {
  return glob.includes('*') || glob.includes('?');
}

/** Compiled globs, reused: file-scope checks run once per file of a walk. Bounded, so model-chosen globs cannot grow it. */
const compiled = new Map<string, GlobMatcher>();
const MAX_CACHED_GLOBS = 1024;

export function matchesGlob(path: string, glob: string): boolean {
  let matcher = compiled.get(glob);
  if (!matcher) {
    if (compiled.size >= MAX_CACHED_GLOBS) compiled.clear();
    matcher = compileGlob(glob);
    compiled.set(glob, matcher);
  }
  return matcher.matches(path);
}

/**
 * Whether everything `inner` can match is also matched by `outer`, judged conservatively:
 * equal globs, a literal path the outer glob matches, or a subtree (`dir/**`) inside one.
 */
export function globCovers(outer: string, inner: string): boolean {
  if (outer === inner || outer === '**') return true;
  if (!hasWildcard(inner)) return matchesGlob(inner, outer);
  if (outer.endsWith('/**')) {
    const base = outer.slice(0, -2);
    return inner.startsWith(base) && !hasWildcard(base);
  }
  return false;
}
