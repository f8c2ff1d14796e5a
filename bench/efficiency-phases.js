// Where the wall of bench-peers' concurrency row goes, two builds paired (not a *.bench.js: `npm
// run bench` does not run it). Every run is a fresh process that does what bench-peers'
// runners/whaleflow-lib.mjs times — its workflow and fixture, the build (parse, validate,
// pre-flight, estimate), the mock ports, the sink (the recorder with --persist on), executeWorkflow
// and the recorder's close — and marks each phase on one clock: the build, the ports and sink, the
// first leaf's start, the last effect's end (the fan-in's answer), executeWorkflow's return and the
// close. Alternating A B B A …; it prints the medians of each mark and of the phases between them.
//
//   node bench/efficiency-phases.js <build A> <build B> [--pairs 8] [--persist on|off]
//        [--n 2000] [--latency 20] [--concurrency 100] [--peers ../shared/bench-peers]
//
// A build is a checkout with dist/ built. The workflow and fixture come from the bench-peers
// checkout (`--peers`, its runners/_whaleflow-shared.mjs), so both builds run exactly its input.
import { resolve } from 'node:path';
import { buildsFromArguments, median, numberOption, runAlternating } from './alternating-builds.js';

const CHILD = `
const [build, peers, n, latency, concurrency, persist] = process.argv.slice(2);
const url = (root, path) => new URL(path, 'file://' + root + '/').href;
const engine = await import(url(build, 'dist/engine/index.js'));
const mock = await import(url(build, 'dist/leaves/mock/index.js'));
const ir = await import(url(build, 'dist/ir/index.js'));
const trace = persist === 'on' ? await import(url(build, 'dist/trace/index.js')) : null;
const { buildWorkflowDocument, fixtureObject } = await import(url(peers, 'runners/_whaleflow-shared.mjs'));
const fixture = fixtureObject(Number(n), Number(latency));
const marks = {};
const t0 = performance.now();
const mark = (name) => (marks[name] ??= performance.now() - t0);
const spec = ir.parseWorkflowSpec(buildWorkflowDocument(Number(n), Number(concurrency))).spec;
ir.validateSpec(spec, { maxAgents: Number(n) + 10 });
const grant = engine.grantFromFlags({});
engine.preflightPermissions(spec, grant);
engine.estimateRun(spec, { inputUsdPerMillionTokens: 0, outputUsdPerMillionTokens: 0 });
mark('built');
const environment = engine.systemEnvironment();
const runId = environment.newId();
const leafRunner = new mock.MockLeafRunner(environment, fixture);
const run = leafRunner.run.bind(leafRunner);
leafRunner.run = (input, context) => (mark('firstLeaf'), run(input, context));
const recorder = trace ? trace.openProjectRecorder({ cwd: process.cwd(), env: { ...process.env, WHALEFLOW_HOME: process.cwd() } }) : null;
const inner = recorder ? recorder.sink : new engine.MemoryEventSink();
let lastEffectEnd = 0;
const sink = { emit(event) { if (event.type === 'effect_completed') lastEffectEnd = performance.now() - t0; inner.emit(event); } };
mark('ready');
const result = await engine.executeWorkflow({ spec, runId, label: 'phases', sink, leafRunner, gateway: new mock.MockModelGateway(environment, fixture), environment, grant, validated: true, limits: { maxConcurrentLeaves: Number(concurrency) } });
mark('returned');
if (recorder) await recorder.close();
mark('closed');
if (result.status !== 'succeeded' || recorder?.error) throw new Error('run ' + result.status + ' ' + (recorder?.error ?? ''));
marks.lastEffectEnd = lastEffectEnd;
console.log(JSON.stringify(marks));
`;

const [buildA, buildB] = buildsFromArguments('usage: node bench/efficiency-phases.js <build A> <build B> [--pairs 8] [--persist on|off] [--n 2000] [--latency 20] [--concurrency 100] [--peers DIR]');
const option = (name, fallback) => {
  const index = process.argv.indexOf(name);
  return index < 0 ? fallback : process.argv[index + 1];
};
const peers = resolve(option('--peers', '../shared/bench-peers'));
const persist = option('--persist', 'on');
const shape = [numberOption('--n', 2000), numberOption('--latency', 20), numberOption('--concurrency', 100)].map(String);
const runs = runAlternating({
  child: CHILD,
  pairs: numberOption('--pairs', 8),
  folderPrefix: 'whaleflow-phases-',
  argumentsOf: (side) => [side === 'A' ? buildA : buildB, peers, ...shape, persist],
  onRun: (side, run) => console.log(side, JSON.stringify(Object.fromEntries(Object.entries(run).map(([key, value]) => [key, Math.round(value * 10) / 10])))),
});

const phases = {
  build: (run) => run.built,
  'ports and sink': (run) => run.ready - run.built,
  'to the first leaf': (run) => run.firstLeaf - run.ready,
  'first leaf to the last effect': (run) => run.lastEffectEnd - run.firstLeaf,
  'last effect to return': (run) => run.returned - run.lastEffectEnd,
  close: (run) => run.closed - run.returned,
  wall: (run) => run.closed,
};
console.log(`medians (ms), persist ${persist}, n=${shape[0]} L=${shape[1]} K=${shape[2]}: A ${buildA}, B ${buildB}`);
for (const [name, of] of Object.entries(phases)) {
  const a = median(runs.A.map(of));
  const b = median(runs.B.map(of));
  console.log(`${name.padEnd(30)} ${a.toFixed(1).padStart(8)} ${b.toFixed(1).padStart(8)}  ${(b / a).toFixed(3)}x`);
}
