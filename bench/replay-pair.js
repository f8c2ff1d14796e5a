// Paired runs of the trace bench's replay row with two builds (not a *.bench.js: `npm run bench`
// does not run it). Every run is a fresh process of one build that records a zero-latency
// 10,000-leaf fan-out/fan-in on a writer thread (as the trace bench does), then replays it `--times`
// times, each followed by a plain-SQL read of the recorded run's events (every row's payload
// through JSON.parse): the bench row's ratio, replay / read, measured within the one process.
// A build records its replay as its `whaleflow replay` does: by reference when it can
// (recordReplayByReference), else on a writer thread. Runs alternate A B B A …, and each prints its
// medians: the ratio (wall), the ratio of CPU time (all threads: a writer thread's too), the
// replay's wall time and the process's CPU over the replays. On a loaded machine wall time follows
// the load more than the code; CPU time less so.
//
//   node bench/replay-pair.js <build A> <build B> [--pairs 3] [--times 3] [--n 10000]
import { buildsFromArguments, median, numberOption, runAlternating } from './alternating-builds.js';

const CHILD = `
const [build, n, times] = process.argv.slice(2);
const url = (path) => new URL(path, 'file://' + build + '/').href;
const { executeWorkflow, systemEnvironment } = await import(url('dist/engine/index.js'));
const { MockLeafRunner, MockModelGateway } = await import(url('dist/leaves/mock/index.js'));
const trace = await import(url('dist/trace/index.js'));
const { readRecordedRun, replayRun } = await import(url('dist/runs/index.js'));
const { fanOutWorkflow } = await import(url('bench/engine.bench.js'));
const path = process.cwd() + '/whaleflow.db';
const environment = systemEnvironment();
const recording = new trace.WorkerTraceSink(path);
await executeWorkflow({ spec: fanOutWorkflow(Number(n) / 100, 100), runId: 'recorded', sink: recording, environment, leafRunner: new MockLeafRunner(environment), gateway: new MockModelGateway(environment), validated: true });
await recording.close();
const store = new trace.SqliteTraceStore(path);
const select = store.database.prepare('SELECT type, payload FROM events WHERE run_id = ? ORDER BY seq');
const replays = [];
const reads = [];
const ratios = [];
const cpu = process.cpuUsage();
const cpuRatios = [];
const cpuNow = () => { const used = process.cpuUsage(); return (used.user + used.system) / 1000; };
for (let attempt = 0; attempt < Number(times); attempt += 1) {
  const start = performance.now();
  const startCpu = cpuNow();
  let outcome;
  if (trace.recordReplayByReference) {
    const recorded = readRecordedRun(store, 'recorded', { noteRows: true });
    const recorder = trace.recordReplayByReference({ store, source: { runId: 'recorded', effects: recorded.effects, rows: recorded.rows }, divergedOnThread: true });
    outcome = await replayRun({ recorded, runId: 'replay-' + attempt, sink: recorder.sink, trustedSpec: true, signal: recorder.failed });
    await recorder.close();
  } else {
    const sink = new trace.WorkerTraceSink(path);
    outcome = await replayRun({ recorded: readRecordedRun(store, 'recorded'), runId: 'replay-' + attempt, sink, trustedSpec: true });
    await sink.close();
  }
  const replayMs = performance.now() - start;
  const replayCpu = cpuNow() - startCpu;
  if (!outcome.parity.identical) throw new Error('replay diverged: ' + JSON.stringify(outcome.parity));
  const readStart = performance.now();
  const readCpu = cpuNow();
  let parsed = 0;
  for (const row of select.iterate('recorded')) if (JSON.parse(row.payload)) parsed += 1;
  const readMs = performance.now() - readStart;
  replays.push(replayMs);
  reads.push(readMs);
  ratios.push(replayMs / readMs);
  cpuRatios.push(replayCpu / (cpuNow() - readCpu));
}
const used = process.cpuUsage(cpu);
store.close();
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
console.log(JSON.stringify({ ratio: median(ratios), cpuRatio: median(cpuRatios), replayMs: median(replays), readMs: median(reads), cpuMs: (used.user + used.system) / 1000 }));
`;

const [buildA, buildB] = buildsFromArguments('usage: node bench/replay-pair.js <build A> <build B> [--pairs 3] [--times 3] [--n 10000]');
const runs = runAlternating({
  child: CHILD,
  pairs: numberOption('--pairs', 3),
  folderPrefix: 'whaleflow-replay-pair-',
  argumentsOf: (side) => [side === 'A' ? buildA : buildB, String(numberOption('--n', 10_000)), String(numberOption('--times', 3))],
  onRun: (side, run) => console.log(`${side}: replay ${Math.round(run.replayMs)} ms = ${run.ratio.toFixed(2)}× its plain-SQL read (${Math.round(run.readMs)} ms); its CPU (all threads) ${run.cpuRatio.toFixed(2)}× the read's; CPU ${Math.round(run.cpuMs)} ms`),
});
for (const side of ['A', 'B']) {
  const of = (field) => median(runs[side].map((run) => run[field]));
  console.log(`median ${side} (${side === 'A' ? buildA : buildB}): ${of('ratio').toFixed(2)}× the read (CPU ${of('cpuRatio').toFixed(2)}×); replay ${Math.round(of('replayMs'))} ms, read ${Math.round(of('readMs'))} ms, CPU ${Math.round(of('cpuMs'))} ms`);
}
