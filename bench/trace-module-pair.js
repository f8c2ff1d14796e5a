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
import { buildsFromArguments, median, numberOption, runAlternating } from './alternating-builds.js';

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

const [buildA, buildB] = buildsFromArguments('usage: node bench/trace-module-pair.js <build A> <build B> [--n 100000] [--pairs 2] [--observe]');
const leaves = numberOption('--n', 100_000);
const observe = process.argv.includes('--observe') ? 'observe' : 'plain';
const runs = runAlternating({
  child: CHILD,
  pairs: numberOption('--pairs', 2),
  folderPrefix: 'whaleflow-trace-pair-',
  argumentsOf: (side) => [buildA, side === 'A' ? buildA : buildB, String(leaves), observe],
  onRun: (side, run) =>
    console.log(`${side} (trace of ${side === 'A' ? buildA : buildB}): ${Math.round(run.wallMs)} ms, CPU ${Math.round(run.cpuMs)} ms, peak RSS ${Math.round(run.peakRssMb)} MB`),
});
for (const side of ['A', 'B']) {
  const of = (field) => Math.round(median(runs[side].map((run) => run[field])));
  console.log(`median ${side}: ${of('wallMs')} ms, CPU ${of('cpuMs')} ms, peak RSS ${of('peakRssMb')} MB (${leaves} leaves${observe === 'observe' ? ', observed' : ''})`);
}
