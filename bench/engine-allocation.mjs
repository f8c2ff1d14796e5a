// Bytes the engine allocates per leaf, by allocating function: a figure that does not move with
// the machine's load (unlike time), for the bench-peers shape — one parallel branch of N leaves
// (window K, one mock rule per leaf, latency L ms), then a reduce over all of them, in memory.
// V8's sampling heap profiler counts every sampled allocation, collected ones included. A second
// run of the same workflow counts the promises it creates (an async_hooks init hook, which makes
// promises heavier, so it is kept out of the byte count); as independent of load.
//
//   node bench/engine-allocation.mjs                      # N=10000 K=16 L=0
//   N=2000 K=100 L=20 node bench/engine-allocation.mjs    # the concurrency-efficiency shape
//   WHALEFLOW_DIR=<another build> ... (compare two builds; TOP=<rows> for more functions)
import { createHook } from 'node:async_hooks';
import { Session } from 'node:inspector/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = process.env.WHALEFLOW_DIR ?? join(dirname(fileURLToPath(import.meta.url)), '..');
const load = (path) => import(pathToFileURL(join(root, 'dist', path)).href);
const engine = await load('engine/index.js');
const mock = await load('leaves/mock/index.js');
const ir = await load('ir/index.js');

const N = Number(process.env.N ?? 10_000);
const K = Number(process.env.K ?? 16);
const L = Number(process.env.L ?? 0);
const FILLER = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua.';

const ids = Array.from({ length: N }, (_, index) => `leaf-${index}`);
const parsed = ir.parseWorkflowSpec({
  id: 'allocation',
  goal: `fan out ${N} leaves, fan in`,
  nodes: [
    { kind: 'branch_set', spec: { id: 'fanout', parallel: true, budget: { max_parallel: K }, children: ids.map((id) => ({ kind: 'leaf', spec: { id, prompt: id } })) } },
    { kind: 'reduce', spec: { id: 'fanin', inputs: ids, prompt: 'Collect the leaf outputs.' } },
  ],
});
if (!parsed.ok) throw new Error('the bench workflow does not parse');
const fixture = { defaults: { latency_ms: L }, leaves: ids.map((id) => ({ match: { id }, output: `${id} ${FILLER}` })), judge: [], expand: [], reduce: [] };
const environment = engine.systemEnvironment();

const run = () =>
  engine.executeWorkflow({
    spec: parsed.spec,
    runId: 'allocation',
    sink: new engine.MemoryEventSink(),
    leafRunner: new mock.MockLeafRunner(environment, fixture),
    gateway: new mock.MockModelGateway(environment, fixture),
    environment,
    validated: true,
    limits: { maxConcurrentLeaves: K },
  });

const session = new Session();
session.connect();
await session.post('HeapProfiler.startSampling', { samplingInterval: 256, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
const result = await run();
const { profile } = await session.post('HeapProfiler.stopSampling');
let promises = 0;
const promiseCounter = createHook({ init: (_id, type) => (promises += type === 'PROMISE' ? 1 : 0) }).enable();
const counted = await run();
promiseCounter.disable();
if (counted.status !== 'succeeded') throw new Error(`the counted run ended ${counted.status}`);
if (result.status !== 'succeeded') throw new Error(`the bench run ended ${result.status}`);

const byFunction = new Map();
let total = 0;
const nameOf = (node) => `${node.callFrame.functionName || '(anonymous)'} ${node.callFrame.url.replace(/.*\/dist\//, '')}:${node.callFrame.lineNumber + 1}`;
const visit = (node, parent) => {
  total += node.selfSize;
  // A builtin (no url) is named with its caller: `join <- describeEvidence`.
  const key = node.callFrame.url === '' && parent ? `${nameOf(node)} <- ${nameOf(parent)}` : nameOf(node);
  byFunction.set(key, (byFunction.get(key) ?? 0) + node.selfSize);
  for (const child of node.children) visit(child, node);
};
visit(profile.head);
console.log(`N=${N} K=${K} L=${L}: ${(total / 1e6).toFixed(1)} MB sampled, ${Math.round(total / N)} bytes per leaf; ${promises} promises per run`);
for (const [name, bytes] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, Number(process.env.TOP ?? 15))) {
  console.log(`${String(Math.round(bytes / N)).padStart(6)} B/leaf  ${name}`);
}
