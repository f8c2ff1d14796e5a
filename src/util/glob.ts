/**
 * Minimal path globs: `**` spans directories, `*` and `?` stay within one segment. Paths use `/`.
 * Enough for file scopes; not a shell glob (no braces, no character classes).
 */
export function globToRegExp(glob: string): RegExp {
  let pattern = '';
  for (let index = 0; index < glob.length; index += 1) {
    const char = glob[index]!;
    if (char === '*' && glob[index + 1] === '*') {
      const followedBySlash = glob[index + 2] === '/';
      pattern += followedBySlash ? '(?:.*/)?' : '.*';
      index += followedBySlash ? 2 : 1;
    } else if (char === '*') {
      pattern += '[^/]*';
    } else if (char === '?') {
      pattern += '[^/]';
    } else {
      pattern += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
  }
  return new RegExp(`^${pattern}$`);
}

export function hasWildcard(glob: string): boolean {
  return /[*?]/.test(glob);
}

export function matchesGlob(path: string, glob: string): boolean {
  return globToRegExp(glob).test(path);
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
