// The executor: throughput of zero-latency mock leaves (fan-out/fan-in), peak memory for a
// 100,000-leaf run (in a child process, so earlier benches do not count), and how close a
// real-timer latency schedule comes to the ideal ceil(N/K)·latency.
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { executeWorkflow, MemoryEventSink, systemEnvironment } from '../dist/engine/index.js';
import { MockLeafRunner, MockModelGateway } from '../dist/leaves/mock/index.js';
import { parseWorkflowSpec } from '../dist/ir/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** `branches` parallel branches of `perBranch` leaves under one parallel root, then a reduce over the first leaf of each. */
export function fanOutWorkflow(branches, perBranch) {
  const children = [];
  const firsts = [];
  for (let branch = 0; branch < branches; branch += 1) {
    const leaves = [];
    for (let leaf = 0; leaf < perBranch; leaf += 1) {
      leaves.push({ kind: 'leaf', spec: { id: `l-${branch}-${leaf}`, prompt: `inspect ${branch}/${leaf}`, agent_type: 'explore' } });
    }
    firsts.push(`l-${branch}-0`);
    children.push({ kind: 'branch_set', spec: { id: `b-${branch}`, parallel: true, children: leaves } });
  }
  const parsed = parseWorkflowSpec({
    id: 'fan',
    goal: 'fan out and in',
    nodes: [
      { kind: 'branch_set', spec: { id: 'root', parallel: true, children } },
      { kind: 'reduce', spec: { id: 'fan-in', inputs: firsts, prompt: 'summarise' } },
    ],
  });
  if (!parsed.ok) throw new Error('bench workflow does not parse');
  return parsed.spec;
}

/** Times the whole call, and the run itself (run_started → run_finished, after validation and pre-flight). */
class TimedSink extends MemoryEventSink {
  emit(event) {
    if (event.type === 'run_started') this.startedAt = performance.now();
    if (event.type === 'run_finished') this.finishedAt = performance.now();
    super.emit(event);
  }
}

async function runOnce(spec, { latencyMs = 0, concurrency = 16 } = {}) {
  const environment = systemEnvironment();
  const sink = new TimedSink();
  const fixture = { defaults: { latency_ms: latencyMs }, leaves: [], judge: [], expand: [], reduce: [] };
  const leafCount = spec.nodes[0].spec.children.reduce((total, branch) => total + branch.spec.children.length, 0);
  const start = performance.now();
  const result = await executeWorkflow({
    spec,
    runId: 'bench',
    sink,
    environment,
    leafRunner: new MockLeafRunner(environment, fixture),
    gateway: new MockModelGateway(environment, fixture),
    limits: { maxConcurrentLeaves: concurrency },
    validation: { maxAgents: leafCount + 1 },
  });
  const total = performance.now() - start;
  if (result.status !== 'succeeded') throw new Error(`bench run ended ${result.status}`);
  return { total, run: sink.finishedAt - sink.startedAt, leafCount };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function throughput() {
  const spec = fanOutWorkflow(100, 100);
  for (let warmUp = 0; warmUp < 3; warmUp += 1) await runOnce(spec);
  const runs = [];
  for (let run = 0; run < 9; run += 1) runs.push(await runOnce(spec));
  const runMs = median(runs.map((entry) => entry.run));
  const totalMs = median(runs.map((entry) => entry.total));
  return [
    { bench: 'engine', metric: 'fan-out/fan-in 10,000 zero-latency leaves (run)', value: Math.round(10_000 / (runMs / 1000)), unit: 'leaves/s', target: '>= 50000', floor: 'memory-10k', ms: runMs, note: `median of 9: ${runMs.toFixed(0)} ms from run_started to run_finished, in-memory sink` },
    { bench: 'engine', metric: 'same, incl. validation + pre-flight', value: Math.round(10_000 / (totalMs / 1000)), unit: 'leaves/s', target: '<= 3× floor', floor: 'memory-10k', ms: totalMs, note: `median ${totalMs.toFixed(0)} ms: the one-off gate over 10,201 nodes is ${(totalMs - runMs).toFixed(0)} ms` },
  ];
}

function peakMemory() {
  const script = `
    import { executeWorkflow, MemoryEventSink, systemEnvironment } from ${JSON.stringify(pathToFileURL(join(root, 'dist/engine/index.js')).href)};
    import { MockLeafRunner, MockModelGateway } from ${JSON.stringify(pathToFileURL(join(root, 'dist/leaves/mock/index.js')).href)};
    import { fanOutWorkflow } from ${JSON.stringify(pathToFileURL(join(root, 'bench/engine.bench.js')).href)};
    import { validateSpec } from ${JSON.stringify(pathToFileURL(join(root, 'dist/ir/index.js')).href)};
    const rss = () => Math.round(process.resourceUsage().maxRSS / 1024);
    const spec = fanOutWorkflow(1000, 100);
    const afterSpec = rss();
    // As whaleflow run does it: compile (which validates) once, then run with validated: true.
    if (validateSpec(spec, { maxAgents: 100001 }).length > 0) throw new Error('invalid');
    const afterValidation = rss();
    const environment = systemEnvironment();
    let events = 0;
    const sink = process.argv.includes('--memory-sink') ? new MemoryEventSink() : { emit() { events += 1; } };
    const result = await executeWorkflow({ spec, runId: 'bench', sink, environment, leafRunner: new MockLeafRunner(environment), gateway: new MockModelGateway(environment), validated: true });
    process.stdout.write(JSON.stringify({ status: result.status, maxRssKiB: process.resourceUsage().maxRSS, afterSpec, afterValidation, events: sink.events?.length ?? events }));
  `;
  const measure = (extra) => JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script, '--', ...extra], { encoding: 'utf8', maxBuffer: 1 << 20 }));
  const streamed = measure([]);
  const kept = measure(['--memory-sink']);
  return [
    { bench: 'engine', metric: 'peak RSS, 100,000 leaves (streaming sink)', value: Math.round(streamed.maxRssKiB / 1024), unit: 'MB', target: '<= 300', note: `${streamed.status}; whole process: ${streamed.afterSpec} MB after building the spec, ${streamed.afterValidation} MB after validating it, ${streamed.events} events counted and dropped` },
    { bench: 'engine', metric: 'peak RSS, 100,000 leaves (in-memory sink)', value: Math.round(kept.maxRssKiB / 1024), unit: 'MB', note: `${kept.status}; keeps all ${kept.events} events` },
  ];
}

async function latencySchedule() {
  const spec = fanOutWorkflow(20, 100);
  const latencyMs = 20;
  const concurrency = 100;
  const ideal = Math.ceil(2000 / concurrency) * latencyMs;
  await runOnce(spec, { latencyMs, concurrency });
  const runs = [];
  for (let run = 0; run < 3; run += 1) runs.push(await runOnce(spec, { latencyMs, concurrency }));
  const elapsed = median(runs.map((entry) => entry.run));
  return { bench: 'engine', metric: '2,000 leaves × 20 ms at concurrency 100 (run)', value: Math.round(elapsed), unit: 'ms', target: `<= ${Math.round(ideal * 1.1)} (ideal ${ideal})`, floor: 'latency-2000', ms: elapsed, note: `${((elapsed / ideal - 1) * 100).toFixed(1)}% over ideal; median of 3, real timers` };
}

export async function run() {
  return [...(await throughput()), ...peakMemory(), await latencySchedule()];
}
