#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ by `npm install` (the prepare script), and bundled
// into dist/cli-bundle/ when esbuild is there (scripts/bundle-cli.mjs: a chunk per command loads
// much faster than ~540 modules). Without the bundle, or with one older than dist/cli/ (tsc ran
// again without the bundling step), dist/cli/ runs as is.
import { statSync } from 'node:fs';

const bundled = new URL('../dist/cli-bundle/main.js', import.meta.url);
const compiled = new URL('../dist/cli/main.js', import.meta.url);
const modified = (url) => statSync(url, { throwIfNoEntry: false })?.mtimeMs ?? Number.NaN;
const { main, describeInternalError } = await import(modified(bundled) >= modified(compiled) ? bundled.href : compiled.href);

// Even a crash outside main() prints through the redaction (a background run's log is its stderr).
process.on('uncaughtException', (error) => {
  process.stderr.write(describeInternalError(error));
  process.exit(70);
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    // main() reports user errors itself; reaching here is a bug in WhaleFlow.
    process.stderr.write(describeInternalError(error));
    process.exitCode = 70;
  },
);
