import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Every module `entry` (a built file under `root`/dist) loads statically, followed through the
 * project's files; a package shows as `package:<name>` and is not followed, nor is a dynamic
 * import(). Paths come back relative to `root`. What a thread or a command loads at its start
 * is a cost users pay on every run, so tests hold it down with this.
 */
export function staticImportClosure(root: string, entry: string): string[] {
  const seen = new Set<string>();
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    if (!file.startsWith(root)) continue;
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/^(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|^import\s+['"]([^'"]+)['"]/gm)) {
      const specifier = match[1] ?? match[2]!;
      pending.push(specifier.startsWith('.') ? path.resolve(path.dirname(file), specifier) : `package:${specifier}`);
    }
  }
  return [...seen].map((file) => (file.startsWith(root) ? path.relative(root, file) : file));
}
