#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ by `npm install` (the prepare script).
import { main, describeInternalError } from '../dist/cli/main.js';

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
