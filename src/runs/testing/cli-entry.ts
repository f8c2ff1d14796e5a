// The CLI from the TypeScript sources, for tests that need a real `whaleflow` child process
// without a build: `node --import tsx src/runs/testing/cli-entry.ts run …` behaves like
// `node bin/whaleflow.js run …` (which runs the compiled dist/).
import { main } from '../../cli/main.js';

process.exitCode = await main(process.argv.slice(2));
