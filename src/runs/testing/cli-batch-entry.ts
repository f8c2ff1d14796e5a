// Test support: several `whaleflow` commands in one real child process (one start-up instead
// of one per command), e.g. as another user. argv[2] is a JSON list of argument lists; prints
// a JSON list of { exitCode, stdout, stderr }, one per command, in order.
import { runCliInMemory } from '../../cli/run-cli-in-memory.js';

const commands = JSON.parse(process.argv[2] ?? '[]') as string[][];
const outcomes = [];
for (const argv of commands) outcomes.push(await runCliInMemory(argv, { cwd: process.cwd(), env: process.env }));
process.stdout.write(JSON.stringify(outcomes));
