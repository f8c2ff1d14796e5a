// Paired runs of the in-process engine with two builds (not a *.bench.js: `npm run bench` does not
// run it): bench-peers' in-process runner's timed part — build the fan-out/fan-in document, parse,
// validate, pre-flight and estimate it, then executeWorkflow with the mock (one rule per leaf, its
// output made per leaf as the runner makes it) and the in-memory sink — each run a fresh process,
// alternating A B, B A … so a drift of the machine's load falls on both sides alike. It reports
// the main thread's CPU time (/proc/thread-self/schedstat) for the build and for the run, the
// process's CPU time and the wall time. On a loaded machine the main thread's CPU follows the code
// more closely than wall time does; compare medians and the median of the per-pair ratios.
//
//   node bench/engine-pair.js <build A> <build B> [--pairs 20] [--n 10000] [--concurrency 16]
import { buildsFromArguments, median, numberOption, runAlternating } from './alternating-builds.js';

const CHILD = `
import { readFileSync } from 'node:fs';
const [build, bench, n, k] = process.argv.slice(2);
const load = (path) => import('file://' + build + '/dist/' + path);
const engine = await load('engine/index.js');
const mock = await load('leaves/mock/index.js');
const ir = await load('ir/index.js');
const { workflowDocument } = await import('file://' + bench + '/cli.bench.js');
const leaves = Number(n);
const concurrency = Number(k);
const FILLER = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris nisi ut a';
const rules = [];
for (let index = 0; index < leaves; index += 1) rules.push({ match: { id: 'leaf-' + index }, output: \`leaf-\${index} \${FILLER}\` });
const fixture = { defaults: { latency_ms: 0 }, leaves: rules, judge: [], expand: [], reduce: [] };
const threadMs = () => Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]) / 1e6;
const main0 = threadMs();
const cpu0 = process.cpuUsage();
const wall0 = performance.now();
const parsed = ir.parseWorkflowSpec(workflowDocument(leaves, concurrency));
if (!parsed.ok) throw new Error('the workflow does not parse');
const spec = parsed.spec;
ir.validateSpec(spec, { maxAgents: leaves + 10 });
const grant = engine.grantFromFlags({});
engine.preflightPermissions(spec, grant);
engine.estimateRun(spec, { inputUsdPerMillionTokens: 0, outputUsdPerMillionTokens: 0 });
const main1 = threadMs();
const environment = engine.systemEnvironment();
const result = await engine.executeWorkflow({
  spec, runId: environment.newId(), label: 'engine-pair', sink: new engine.MemoryEventSink(), environment, grant, validated: true,
  leafRunner: new mock.MockLeafRunner(environment, fixture), gateway: new mock.MockModelGateway(environment, fixture),
  limits: { maxConcurrentLeaves: concurrency },
});
const main2 = threadMs();
const wallMs = performance.now() - wall0;
const cpu = process.cpuUsage(cpu0);
if (result.status !== 'succeeded') throw new Error('run ' + result.status);
console.log(JSON.stringify({ buildMs: main1 - main0, runMs: main2 - main1, mainMs: main2 - main0, cpuMs: (cpu.user + cpu.system) / 1000, wallMs }));
`;

const [buildA, buildB] = buildsFromArguments('usage: node bench/engine-pair.js <build A> <build B> [--pairs 20] [--n 10000] [--concurrency 16]');
const benchFolder = new URL('.', import.meta.url).pathname;
const runs = runAlternating({
  child: CHILD,
  pairs: numberOption('--pairs', 20),
  folderPrefix: 'whaleflow-engine-pair-',
  argumentsOf: (side) => [side === 'A' ? buildA : buildB, benchFolder, String(numberOption('--n', 10_000)), String(numberOption('--concurrency', 16))],
  onRun: () => undefined,
});
const FIGURES = { buildMs: 'main thread, build', runMs: 'main thread, run', mainMs: 'main thread', cpuMs: 'process CPU', wallMs: 'wall' };
for (const [figure, name] of Object.entries(FIGURES)) {
  const a = median(runs.A.map((run) => run[figure]));
  const b = median(runs.B.map((run) => run[figure]));
  const ratios = runs.B.map((run, index) => run[figure] / runs.A[index][figure]);
  const lower = ratios.filter((ratio) => ratio < 1).length;
  console.log(`${name.padEnd(19)} A ${a.toFixed(1).padStart(7)} ms  B ${b.toFixed(1).padStart(7)} ms  ${(b / a).toFixed(3)}×  pair median ${median(ratios).toFixed(3)}×  B lower in ${lower}/${ratios.length}`);
}
