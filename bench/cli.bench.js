// The CLI as users run it: whole `whaleflow run` processes (spawn to exit, the built
// bin/whaleflow.js), each figure beside the plain-JS floor run as a process of its own in this
// same bench (bench/floor-process.js: Node's start, better-sqlite3, N async functions under a
// semaphore, one INSERT per output). The workload is ../shared/bench-peers' (one parallel
// branch_set of N leaves, then a reduce over all N), written as the JSON workflow and YAML mock
// fixture its CLI runner writes, so the figures here and there describe the same command.
//
//   npm run bench cli                              all cases below
//   WHALEFLOW_BENCH_CLI_HUGE=0 npm run bench cli   without the 100,000-leaf case
//
// Cases: 10,000 leaves L=0 K=16 with one fixture rule per leaf (per-leaf outputs): process
// time as a ratio to the floor process, CPU, peak RSS; 2,000 leaves × 20 ms at K=100: the
// engine's own run time (`timing.run_ms` of `run --json`) against the ideal ceil(N/K)·L;
// 100,000 leaves (one templated rule): peak RSS and time, then the trace checked whole by
// `whaleflow replay` (every effect served from it, zero live, parity identical) and `inspect`.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const entry = join(here, '..', 'bin', 'whaleflow.js');
const usagePreload = join(here, 'process-usage.mjs');
const HUGE = Number(process.env.WHALEFLOW_BENCH_CLI_HUGE ?? 100_000);
const FILLER = 'x'.repeat(200);

/** Runs `node [--import usage] script …args` to its exit: wall ms, stdout, stderr, peak RSS and CPU of the whole process. */
function timedProcess(script, args, { cwd, env = {} }) {
  const usageFile = join(cwd, `usage-${process.hrtime.bigint()}.json`);
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(process.execPath, ['--import', usagePreload, script, ...args], { cwd, env: { ...process.env, ...env, WHALEFLOW_BENCH_USAGE: usageFile }, stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout = [];
    let stderr = '';
    child.stdout.on('data', (chunk) => stdout.push(chunk));
    child.stderr.on('data', (chunk) => {
      stderr = (stderr + chunk).slice(-20_000);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - start;
      let usage = { peakRssMb: Number.NaN, cpuMs: Number.NaN };
      try {
        usage = JSON.parse(readFileSync(usageFile, 'utf8'));
      } catch {
        // the process died before its exit hook
      }
      resolve({ ms, code, stdout: Buffer.concat(stdout).toString('utf8'), stderr, ...usage });
    });
  });
}

/** bench-peers' workflow: a parallel branch_set of N leaves `leaf-<i>` (window K), then a reduce over all N ids. */
export function workflowDocument(leaves, concurrency) {
  const ids = Array.from({ length: leaves }, (_, index) => `leaf-${index}`);
  return {
    id: 'bench-fanout',
    goal: `fan out ${leaves} leaves, fan in`,
    nodes: [
      { kind: 'branch_set', spec: { id: 'fanout', parallel: true, budget: { max_parallel: concurrency }, children: ids.map((id) => ({ kind: 'leaf', spec: { id, prompt: id } })) } },
      { kind: 'reduce', spec: { id: 'fanin', inputs: ids, prompt: 'Collect the leaf outputs.' } },
    ],
  };
}

/** The mock fixture: one rule per leaf (what bench-peers writes, ~2.5 MB at 10,000) or one templated rule for all. */
export function fixtureYaml(leaves, latencyMs, perLeafRules) {
  const parts = [`defaults:\n  latency_ms: ${latencyMs}\nleaves:\n`];
  if (perLeafRules) for (let index = 0; index < leaves; index += 1) parts.push(`- match:\n    id: leaf-${index}\n  output: "leaf-${index} ${FILLER}"\n`);
  else parts.push(`- match:\n    prompt: "^leaf-"\n  output: "{id} ${FILLER}"\n`);
  return parts.join('');
}

/** One `whaleflow run --json` of the workload in a fresh project directory; checks every leaf's output. */
async function cliRun(directory, { leaves, latencyMs = 0, concurrency = 16, perLeafRules = true }) {
  const cwd = mkdtempSync(join(directory, 'run-'));
  writeFileSync(join(cwd, 'bench.workflow.json'), JSON.stringify(workflowDocument(leaves, concurrency)));
  writeFileSync(join(cwd, 'bench.fixtures.yaml'), fixtureYaml(leaves, latencyMs, perLeafRules));
  const args = ['run', 'bench.workflow.json', '--provider', 'mock', '--fixtures', 'bench.fixtures.yaml', '--json', '--max-concurrency', String(concurrency), '--max-agents', String(leaves + 10)];
  const outcome = await timedProcess(entry, args, { cwd, env: { WHALEFLOW_HOME: join(cwd, 'home') } });
  const result = outcome.code === 0 ? JSON.parse(outcome.stdout) : undefined;
  const outputs = result?.results?.[0]?.children ?? [];
  const wrong = outputs.findIndex((child, index) => child.output !== `leaf-${index} ${FILLER}`);
  if (result?.status !== 'succeeded' || outputs.length !== leaves || wrong >= 0) {
    throw new Error(`whaleflow run of ${leaves} leaves: exit ${outcome.code}, ${result?.status}, ${outputs.length} outputs, first wrong ${wrong}: ${outcome.stderr.slice(-500)}`);
  }
  return { ...outcome, stdout: '', cwd, runId: result.run_id, timing: result.timing };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const mb = (value) => Math.round(value);

async function repeated(times, measure) {
  const outcomes = [];
  for (let attempt = 0; attempt < times; attempt += 1) outcomes.push(await measure());
  return outcomes;
}

export async function run() {
  const directory = mkdtempSync(join(tmpdir(), 'whaleflow-cli-bench-'));
  try {
    const floorScript = join(here, 'floor-process.js');
    await timedProcess(floorScript, ['10000', '0', '16', 'durable'], { cwd: directory }); // warm the page cache
    const floors = await repeated(5, () => timedProcess(floorScript, ['10000', '0', '16', 'durable'], { cwd: directory }));
    const floorMs = median(floors.map((floor) => floor.ms));

    await cliRun(directory, { leaves: 100 });
    const wide = await repeated(3, () => cliRun(directory, { leaves: 10_000 }));
    const wideMs = median(wide.map((run) => run.ms));
    const middle = wide.find((run) => run.ms === wideMs);
    const phases = Object.entries(middle.timing).map(([phase, ms]) => `${phase.replace(/_ms$/, '')} ${Math.round(ms)}`).join(', ');

    const latency = await repeated(3, () => cliRun(directory, { leaves: 2_000, latencyMs: 20, concurrency: 100, perLeafRules: false }));
    const runMs = median(latency.map((run) => run.timing.run_ms));
    const ideal = Math.ceil(2_000 / 100) * 20;

    const rows = [
      { bench: 'cli', metric: 'floor process: 10,000 leaves, L=0, K=16, SQLite (spawn to exit)', value: Math.round(floorMs), unit: 'ms', ratio: 1, floor: 'floor process', note: `bench/floor-process.js, median of 5; peak RSS ${mb(median(floors.map((floor) => floor.peakRssMb)))} MB, CPU ${Math.round(median(floors.map((floor) => floor.cpuMs)))} ms` },
      { bench: 'cli', metric: 'whaleflow run --json: 10,000 leaves, one fixture rule each (spawn to exit)', value: Math.round(wideMs), unit: 'ms', ratio: wideMs / floorMs, floor: 'floor process', target: '<= 3× floor process', note: `median of 3; CPU ${Math.round(middle.cpuMs)} ms; ${phases}` },
      { bench: 'cli', metric: 'whaleflow run --json: 10,000 leaves, peak RSS', value: mb(median(wide.map((run) => run.peakRssMb))), unit: 'MB', target: '<= 150', note: 'every thread of the process (the trace writer too), median of 3' },
      { bench: 'cli', metric: 'whaleflow run --json: 2,000 leaves × 20 ms at K=100, efficiency', value: Math.round((ideal / runMs) * 100), unit: '%', target: '>= 80', note: `ideal ${ideal} ms ÷ timing.run_ms (median of 3: ${Math.round(runMs)} ms); whole process ${Math.round(median(latency.map((run) => run.ms)))} ms` },
    ];
    if (HUGE > 0) rows.push(...(await hugeRun(directory)));
    return rows;
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

/** The wide case: peak RSS and time of the run, then the whole trace read back by replay and inspect. */
async function hugeRun(directory) {
  const run = await cliRun(directory, { leaves: HUGE, perLeafRules: false });
  const env = { WHALEFLOW_HOME: join(run.cwd, 'home') };
  const replay = await timedProcess(entry, ['replay', run.runId], { cwd: run.cwd, env });
  const served = /served (\d+) effects from the trace, ran 0 live\nparity: identical/.exec(replay.stdout);
  if (replay.code !== 0 || !served || Number(served[1]) !== HUGE + 1) throw new Error(`replay of the ${HUGE}-leaf run: exit ${replay.code}: ${replay.stdout.slice(-300)} ${replay.stderr.slice(-300)}`);
  const last = `leaf-${HUGE - 1}`;
  const inspect = await timedProcess(entry, ['inspect', run.runId, last, '--full'], { cwd: run.cwd, env });
  if (inspect.code !== 0 || !inspect.stdout.includes(`${last} ${FILLER}`)) throw new Error(`inspect ${last}: exit ${inspect.code}: ${inspect.stdout.slice(0, 300)} ${inspect.stderr.slice(-300)}`);
  const label = HUGE.toLocaleString('en-US');
  return [
    { bench: 'cli', metric: `whaleflow run --json: ${label} leaves, peak RSS`, value: mb(run.peakRssMb), unit: 'MB', target: '<= 300', note: `one templated fixture rule; ${Math.round(run.ms)} ms spawn to exit, CPU ${Math.round(run.cpuMs)} ms` },
    { bench: 'cli', metric: `whaleflow replay of the ${label}-leaf run`, value: Math.round(replay.ms), unit: 'ms', note: `trace intact: ${served[1]} effects served, 0 live, parity identical; peak RSS ${mb(replay.peakRssMb)} MB; inspect ${last} read its output back` },
  ];
}
