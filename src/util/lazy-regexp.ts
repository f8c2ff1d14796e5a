/**
 * A regular expression's test, the expression built on the first call. V8 parses a pattern
 * when it builds the RegExp, and a Unicode property class (`\p{L}`, `\p{Uppercase}`) is then
 * assembled from ICU's tables: ~1 M instructions each. Declared at a module's top, every start
 * pays that, whether or not a character is ever tested (the empty `whaleflow starlark` program
 * tested none). `build` returns a literal, so the pattern keeps its syntax checking; esbuild
 * may lower the literal to `new RegExp(…)`, which inside `build` still runs once.
 */
export function lazyRegExp(build: () => RegExp): (text: string) => boolean {
  let regex: RegExp | undefined;
  return (text) => (regex ??= build()).test(text);
}
