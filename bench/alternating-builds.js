// The harness shared by the scripts that pair two builds (trace-module-pair.js,
// trace-writer-cost.js): each run is a fresh process from a temporary folder, and the order
// alternates (A B, B A, …) so a drift of the machine's load falls on both sides alike.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The number after `name` on the command line, or `fallback`. */
export function numberOption(name, fallback) {
  const index = process.argv.indexOf(name);
  return index < 0 ? fallback : Number(process.argv[index + 1]);
}

/** The two builds named on the command line (absolute), or a usage line and exit 2. */
export function buildsFromArguments(usage) {
  if (!process.argv[3]) {
    console.error(usage);
    process.exit(2);
  }
  return process.argv.slice(2, 4).map((path) => resolve(path));
}

export const median = (values) => [...values].sort((left, right) => left - right)[Math.floor(values.length / 2)];

/**
 * Runs `child` (an ES module's text) `pairs` times per side, alternating, with the arguments
 * `argumentsOf(side)` gives; each run prints one JSON line last, which `onRun(side, run)` hears.
 * Returns every side's runs in order.
 */
export function runAlternating({ child, pairs, folderPrefix, argumentsOf, onRun }) {
  const runs = { A: [], B: [] };
  for (let pair = 0; pair < pairs; pair += 1) {
    for (const side of pair % 2 === 0 ? ['A', 'B'] : ['B', 'A']) {
      const directory = mkdtempSync(join(tmpdir(), folderPrefix));
      // A file, not `-e`: run as an evaluated module, its top-level await ended the process unsettled (exit 13).
      writeFileSync(join(directory, 'run.mjs'), child);
      const result = spawnSync(process.execPath, ['run.mjs', ...argumentsOf(side)], { cwd: directory, encoding: 'utf8' });
      rmSync(directory, { recursive: true, force: true });
      if (result.status !== 0) throw new Error(`${side} failed (${result.status ?? result.signal}): ${result.stderr}${result.error ?? ''}`);
      const run = JSON.parse(result.stdout.trim().split('\n').pop());
      runs[side].push(run);
      onRun(side, run);
    }
  }
  return runs;
}
