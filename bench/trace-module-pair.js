// Paired runs of the durable path with two builds' trace modules (not a *.bench.js: `npm run bench`
// does not run it). Every run is a fresh process that takes the engine, mock and IR of build A and
// the trace (openProjectRecorder: the writer thread) of build A or B, alternating A B B A …, and runs
// a zero-latency fan-out/fan-in of N leaves (engine.bench.js's fanOutWorkflow) to the recorder's
// close. It prints each run's wall time, process CPU (all threads) and peak RSS, then the medians:
// on a shared machine CPU and peak RSS say more than wall time.
//
//   node bench/trace-module-pair.js <build A> <build B> [--n 100000] [--pairs 2] [--observe]
//
// A build is a checkout with dist/ built (e.g. a `git worktree` of the commit before a change).
// --observe gives the recorder a committed-observer, as `whaleflow run` does for its progress.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const CHILD = `
const [engineBuild, traceBuild, n, observe] = process.argv.slice(2);
const url = (build, path) => new URL(path, 'file://' + build + '/').href;
const { executeWorkflow, systemEnvironment } = await import(url(engineBuild, 'dist/engine/index.js'));
const { MockLeafRunner, MockModelGateway } = await import(url(engineBuild, 'dist/leaves/mock/index.js'));
const { fanOutWorkflow } = await import(url(engineBuild, 'bench/engine.bench.js'));
const { openProjectRecorder } = await import(url(traceBuild, 'dist/trace/index.js'));
const spec = fanOutWorkflow(Number(n) / 100, 100);
const environment = systemEnvironment();
const cpu = process.cpuUsage();
const start = performance.now();
const recorder = openProjectRecorder({ cwd: process.cwd(), env: { ...process.env, WHALEFLOW_HOME: process.cwd() }, ...(observe === 'observe' ? { committedObservers: [{ emit() {} }] } : {}) });
const result = await executeWorkflow({ spec, runId: environment.newId(), sink: recorder.sink, environment, leafRunner: new MockLeafRunner(environment), gateway: new MockModelGateway(environment), validated: true });
await recorder.close();
if (result.status !== 'succeeded' || recorder.error) throw new Error('run ' + result.status + ' ' + (recorder.error ?? ''));
const used = process.cpuUsage(cpu);
console.log(JSON.stringify({ wallMs: performance.now() - start, cpuMs: (used.user + used.system) / 1000, peakRssMb: process.resourceUsage().maxRSS / 1024 }));
`;

function option(name, fallback) {
  const index = process.argv.indexOf(name);
  return index < 0 ? fallback : Number(process.argv[index + 1]);
}

const [buildA, buildB] = process.argv.slice(2, 4).map((path) => resolve(path ?? ''));
if (!process.argv[3]) {
  console.error('usage: node bench/trace-module-pair.js <build A> <build B> [--n 100000] [--pairs 2] [--observe]');
  process.exit(2);
}
const leaves = option('--n', 100_000);
const pairs = option('--pairs', 2);
const observe = process.argv.includes('--observe') ? 'observe' : 'plain';
const runs = { A: [], B: [] };
for (let pair = 0; pair < pairs; pair += 1) {
  for (const side of pair % 2 === 0 ? ['A', 'B'] : ['B', 'A']) {
    const directory = mkdtempSync(join(tmpdir(), 'whaleflow-trace-pair-'));
    // A file, not `-e`: run as an evaluated module, its top-level await ended the process unsettled (exit 13).
    writeFileSync(join(directory, 'run.mjs'), CHILD);
    const child = spawnSync(process.execPath, ['run.mjs', buildA, side === 'A' ? buildA : buildB, String(leaves), observe], { cwd: directory, encoding: 'utf8' });
    rmSync(directory, { recursive: true, force: true });
    if (child.status !== 0) throw new Error(`${side} failed (${child.status ?? child.signal}): ${child.stderr}${child.error ?? ""}`);
    const run = JSON.parse(child.stdout.trim().split('\n').pop());
    runs[side].push(run);
    console.log(`${side} (trace of ${side === 'A' ? buildA : buildB}): ${Math.round(run.wallMs)} ms, CPU ${Math.round(run.cpuMs)} ms, peak RSS ${Math.round(run.peakRssMb)} MB`);
  }
}
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
for (const side of ['A', 'B']) {
  const of = (field) => Math.round(median(runs[side].map((run) => run[field])));
  console.log(`median ${side}: ${of('wallMs')} ms, CPU ${of('cpuMs')} ms, peak RSS ${of('peakRssMb')} MB (${leaves} leaves${observe === 'observe' ? ', observed' : ''})`);
}
