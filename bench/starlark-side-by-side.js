// Helpers of starlark.bench.js (kept apart so run.js does not load them as a bench): whole
// processes timed from outside, in pairs, so a ratio compares two runs made moments apart.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The reference interpreter: $STARLARK_GO, or what bench/build-reference-starlark.sh built. */
export function referenceInterpreter() {
  const candidates = [process.env.STARLARK_GO, join(root, 'bench/.reference/starlark-go')].filter(Boolean);
  return candidates.find((candidate) => existsSync(candidate));
}

/** GNU time reports a finished child's CPU seconds and peak RSS, which Node cannot read. */
const gnuTime = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

/**
 * Runs a command once (in `env`, by default this process's): wall seconds (monotonic clock around
 * the whole process), and when GNU time is installed, user+system seconds and peak RSS in MiB.
 * Fails loudly on a non-zero exit.
 */
export function measureProcess(command, args, env = process.env) {
  const argv = gnuTime ? ['-f', 'wf-bench %U %S %M', command, ...args] : args;
  const start = process.hrtime.bigint();
  const result = spawnSync(gnuTime ?? command, argv, { encoding: 'utf8', maxBuffer: 64 << 20, env });
  const wall = Number(process.hrtime.bigint() - start) / 1e9;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.status}: ${result.stderr.slice(-500)}`);
  const line = gnuTime ? result.stderr.split('\n').find((text) => text.startsWith('wf-bench ')) : undefined;
  const [user, system, peakKiB] = line ? line.split(' ').slice(1).map(Number) : [];
  return { wall, cpu: line ? user + system : undefined, peakMiB: line ? peakKiB / 1024 : undefined, stdout: result.stdout };
}

export function median(values) {
  const sorted = values.filter((value) => value !== undefined).sort((a, b) => a - b);
  if (sorted.length === 0) return undefined;
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * Runs A and B ({ command, args, env? }) in turn `pairs` times (after one unmeasured warm-up each) and summarises each
 * side by medians, and the ratio A/B as the median of the pair-by-pair ratios.
 */
export function pairedRuns(a, b, pairs) {
  const measure = (side) => measureProcess(side.command, side.args, side.env);
  measure(a);
  measure(b);
  const runs = [];
  for (let pair = 0; pair < pairs; pair++) runs.push([measure(a), measure(b)]);
  const side = (index) => ({
    wall: median(runs.map((run) => run[index].wall)),
    cpu: median(runs.map((run) => run[index].cpu)),
    peakMiB: median(runs.map((run) => run[index].peakMiB)),
    stdout: runs[0][index].stdout,
  });
  const ratio = (field) => median(runs.map(([x, y]) => (x[field] === undefined || !y[field] ? undefined : x[field] / y[field])));
  return { a: side(0), b: side(1), wallRatio: ratio('wall'), cpuRatio: ratio('cpu'), pairs };
}

export const timingNote = gnuTime ? 'median; cpu and RSS from /usr/bin/time' : 'median wall; install GNU time for cpu and RSS';

/** Runs in a fresh Node process: one execFile of the program, timed from inside. */
const COLD_EVAL_SCRIPT = `
import { readFileSync, existsSync } from 'node:fs';
const [modulePath, programPath] = process.argv.slice(1);
const { execFile } = await import(modulePath);
const source = readFileSync(programPath, 'utf8');
const statPath = '/proc/self/task/' + process.pid + '/stat';
// utime + stime of the main thread alone, in clock ticks (Linux; 100 per second on Debian).
const mainThreadMs = () => {
  if (!existsSync(statPath)) return undefined;
  const fields = readFileSync(statPath, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
};
const cpu = process.cpuUsage();
const main = mainThreadMs();
execFile({ filename: programPath, source, print: () => {} });
const used = process.cpuUsage(cpu);
const mainAfter = mainThreadMs();
console.log(JSON.stringify({ allThreadsMs: (used.user + used.system) / 1000, mainThreadMs: main === undefined ? undefined : mainAfter - main }));
`;

/**
 * The evaluation alone in a fresh process (so V8 starts cold, as in the CLI): CPU of every
 * thread, and of the main thread alone. The difference is V8's optimizing compiler and GC
 * helpers, which on an idle machine run beside the main thread rather than in its way.
 */
export function coldEvaluation(programPath, runs) {
  const modulePath = join(root, 'dist/starlark/index.js');
  const samples = [];
  for (let run = 0; run < runs; run++) {
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', COLD_EVAL_SCRIPT, modulePath, programPath], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`cold evaluation failed: ${result.stderr.slice(-500)}`);
    samples.push(JSON.parse(result.stdout));
  }
  return { allThreadsMs: median(samples.map((sample) => sample.allThreadsMs)), mainThreadMs: median(samples.map((sample) => sample.mainThreadMs)) };
}
