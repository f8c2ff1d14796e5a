// Paired runs of the durable trace's two halves for one wide run (not a *.bench.js: `npm run bench`
// does not run it). Every run is a fresh process that records, in memory and untimed, the
// bench-peers workload with build A's engine and mock (N leaves under max_parallel 16, each
// answering `leaf-<i> ` and 200 characters, then a reduce over all N), and then times, with build A
// or B's trace module alternating A B B A …:
//   - serialize: the engine thread's part, SerializedBatchBuilder.add per event (batches of 2,000);
//   - append: the writer thread's part, SqliteTraceStore.appendSerialized of those batches into a
//     fresh database, and its close.
// It prints each run's CPU for both, the event payload bytes and the database file's bytes (these
// two do not depend on load), then the medians. The engine is A's in every run, so both sides
// store the very same events.
//
//   node bench/trace-writer-cost.js <build A> <build B> [--n 10000] [--pairs 3]
import { buildsFromArguments, median, numberOption, runAlternating } from './alternating-builds.js';

const CHILD = `
import { statSync } from 'node:fs';
const [engineBuild, traceBuild, n] = process.argv.slice(2);
const url = (build, path) => new URL(path, 'file://' + build + '/').href;
const engine = await import(url(engineBuild, 'dist/engine/index.js'));
const { MockLeafRunner, MockModelGateway } = await import(url(engineBuild, 'dist/leaves/mock/index.js'));
const { parseWorkflowSpec } = await import(url(engineBuild, 'dist/ir/index.js'));
const { SerializedBatchBuilder, SqliteTraceStore } = await import(url(traceBuild, 'dist/trace/index.js'));
const leaves = Number(n);
const ids = Array.from({ length: leaves }, (_, index) => 'leaf-' + index);
const parsed = parseWorkflowSpec({
  id: 'bench-fanout',
  goal: 'fan out, fan in',
  nodes: [
    { kind: 'branch_set', spec: { id: 'fanout', parallel: true, budget: { max_parallel: 16 }, children: ids.map((id) => ({ kind: 'leaf', spec: { id, prompt: id } })) } },
    { kind: 'reduce', spec: { id: 'fanin', inputs: ids, prompt: 'Collect the leaf outputs.' } },
  ],
});
if (!parsed.ok) throw new Error('workflow does not parse');
const filler = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. '.padEnd(200, '.');
const fixture = { defaults: { latency_ms: 0 }, leaves: [{ match: { prompt: '^leaf-' }, output: '{id} ' + filler }], judge: [], expand: [], reduce: [] };
const environment = engine.systemEnvironment();
const sink = new engine.MemoryEventSink();
const result = await engine.executeWorkflow({ spec: parsed.spec, runId: environment.newId(), sink, environment, leafRunner: new MockLeafRunner(environment, fixture), gateway: new MockModelGateway(environment, fixture), validated: true, limits: { maxConcurrentLeaves: 16 } });
if (result.status !== 'succeeded') throw new Error('run ' + result.status);
const cpu = () => { const used = process.cpuUsage(); return (used.user + used.system) / 1000; };
let start = cpu();
const builder = new SerializedBatchBuilder();
const batches = [];
for (const event of sink.events) {
  builder.add(event);
  if (builder.length === 2000) batches.push(builder.take());
}
batches.push(builder.take());
const serializeMs = cpu() - start;
const path = process.cwd() + '/trace.db';
const store = new SqliteTraceStore(path);
start = cpu();
for (const batch of batches) store.appendSerialized(batch);
const eventBytes = store.runSize(sink.events[0].runId).eventBytes;
store.close();
const appendMs = cpu() - start;
console.log(JSON.stringify({ serializeMs, appendMs, eventBytes, fileBytes: statSync(path).size, events: sink.events.length }));
`;

const [buildA, buildB] = buildsFromArguments('usage: node bench/trace-writer-cost.js <build A> <build B> [--n 10000] [--pairs 3]');
const leaves = numberOption('--n', 10_000);
const runs = runAlternating({
  child: CHILD,
  pairs: numberOption('--pairs', 3),
  folderPrefix: 'whaleflow-trace-writer-cost-',
  argumentsOf: (side) => [buildA, side === 'A' ? buildA : buildB, String(leaves)],
  onRun: (side, run) =>
    console.log(`${side}: serialize ${Math.round(run.serializeMs)} ms CPU, append ${Math.round(run.appendMs)} ms CPU, event bytes ${run.eventBytes}, file bytes ${run.fileBytes} (${run.events} events)`),
});
for (const side of ['A', 'B']) {
  const of = (key) => median(runs[side].map((run) => run[key]));
  console.log(`median ${side} (${side === 'A' ? buildA : buildB}): serialize ${Math.round(of('serializeMs'))} ms, append ${Math.round(of('appendMs'))} ms, event bytes ${of('eventBytes')}, file bytes ${of('fileBytes')}`);
}
const ratio = (key) => (median(runs.B.map((run) => run[key])) / median(runs.A.map((run) => run[key]))).toFixed(2);
console.log(`B / A: serialize ${ratio('serializeMs')}×, append ${ratio('appendMs')}×, event bytes ${ratio('eventBytes')}×, file bytes ${ratio('fileBytes')}×`);
