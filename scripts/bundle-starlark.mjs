#!/usr/bin/env node
// Runs after `tsc` (npm run build): replaces dist/starlark/index.js with one module holding the
// whole interpreter. Loading ~90 small ES modules costs Node more than running most programs
// (resolve, read and compile each), so `whaleflow starlark` and every .star compile start
// faster from one file. Imports that leave src/starlark (util/) stay imports of the shared
// modules, so classes such as WhaleflowError remain one class for every caller. The other files
// under dist/starlark/ stay as tsc wrote them: nothing outside the folder imports them.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const folder = join(root, 'dist', 'starlark');
const entry = join(folder, 'index.js');

let esbuild;
try {
  esbuild = await import('esbuild');
} catch {
  // The interpreter works unbundled; it only starts slower.
  console.warn('bundle-starlark: esbuild is not installed (npm install), dist/starlark stays unbundled');
  process.exit(0);
}
if (!existsSync(entry)) {
  console.error(`bundle-starlark: ${relative(root, entry)} is missing; run tsc first`);
  process.exit(1);
}

// A second run without tsc in between would bundle the bundle (and keep stale code): refuse.
const MARKER = '// Bundled by scripts/bundle-starlark.mjs';
if (readFileSync(entry, 'utf8').startsWith(MARKER)) {
  console.error(`bundle-starlark: ${relative(root, entry)} is already a bundle; run npm run build (tsc first)`);
  process.exit(1);
}

/** Relative imports that leave dist/starlark/ stay external, re-pointed from the bundle's folder. */
const keepOutsideImportsExternal = {
  name: 'keep-outside-imports-external',
  setup(build) {
    build.onResolve({ filter: /^\.\.?\// }, (args) => {
      const target = resolve(args.resolveDir, args.path);
      if (target.startsWith(folder + sep)) return undefined;
      let specifier = relative(folder, target).split(sep).join('/');
      if (!specifier.startsWith('.')) specifier = `./${specifier}`;
      return { path: specifier, external: true };
    });
  },
};

await esbuild.build({
  entryPoints: [entry],
  outfile: entry,
  allowOverwrite: true,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  banner: { js: MARKER },
  logLevel: 'warning',
  plugins: [keepOutsideImportsExternal],
});
