// The shared memo of a distributed run (docs/distributed.md): N identical agent leaves (one model
// call each, 300 ms of mock latency) through 2 `whaleflow worker` processes, with the coordinator
// serving its memo against each worker keeping its own, in the same run; and what asking the
// coordinator adds to a model call (N distinct zero-latency leaves, memo served vs not). Provider
// calls are counted from the leaves' recorded memo misses. Skips when redis-server is absent.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { starterConfigText } from '../dist/config/index.js';
import { startTestRedis } from '../dist/queue/testing/test-redis.js';
import { startWorkerProcesses } from './worker-processes.js';
import { redisMissingRows } from './redis-missing.js';

const here = dirname(fileURLToPath(import.meta.url));
const binary = join(here, '..', 'bin', 'whaleflow.js');
const LEAVES = 40;
const WORKERS = 2;

function workflow(count, identical) {
  const leaves = Array.from({ length: count }, (_, index) => ({ kind: 'leaf', spec: { id: `leaf_${index}`, prompt: identical ? 'Summarise the README in one line.' : `Summarise part ${index} of the README.`, agent_type: 'explore' } }));
  return JSON.stringify({ id: 'memo-bench', goal: 'memo bench', nodes: [{ kind: 'branch_set', spec: { id: 'fan', parallel: true, children: leaves } }] });
}

function fixture(latencyMs) {
  return JSON.stringify({ model: { rules: [{ match: { turn: 0 }, latency_ms: latencyMs, usage: { input_tokens: 1000, output_tokens: 50 }, tool_calls: [{ name: 'finish', arguments: { summary: 'done', status: 'succeeded' } }] }] } });
}

const memoConfig = (enabled) => starterConfigText.replace(/^memo:\n {2}enabled: true/m, `memo:\n  enabled: ${enabled}`);

async function startWorkers(url, repository, count) {
  return startWorkerProcesses(binary, count, ['--queue', url, '--concurrency', String(LEAVES), '--repo', repository]);
}

function stopWorkers(workers) {
  return Promise.all(workers.map((child) => new Promise((resolve) => (child.exitCode !== null ? resolve() : (child.once('exit', resolve), child.kill('SIGTERM'))))));
}

/** One queued run from the coordinator's repository; its wall time and the provider calls its leaves made. */
function queuedRun(coordinator, url, file, fixtureFile, runId) {
  const started = performance.now();
  const out = execFileSync(process.execPath, [binary, 'run', file, '--provider', 'mock-model', '--fixtures', fixtureFile, '--queue', url, '--json', '--run-id', runId, '--max-agents', '1000'], { cwd: coordinator, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, WHALEFLOW_HOME: '' } });
  const ms = performance.now() - started;
  const leaves = JSON.parse(out).results[0].children;
  return { ms, providerCalls: leaves.reduce((sum, leaf) => sum + leaf.memo_usage.armh_misses, 0), hits: leaves.reduce((sum, leaf) => sum + leaf.memo_usage.armh_hits, 0) };
}

export async function run() {
  const missing = redisMissingRows('queue-memo');
  if (missing) return missing;
  const redis = await startTestRedis();
  // The coordinator's repository, and a clone for the workers: each reads its own configuration,
  // so the coordinator can serve its memo (memo on) or not (memo off; each worker keeps its own).
  const coordinator = mkdtempSync(join(tmpdir(), 'whaleflow-memo-bench-'));
  const workerClone = `${coordinator}-worker`;
  const git = (cwd, ...args) => execFileSync('git', args, { cwd, stdio: 'ignore' });
  const rows = [];
  try {
    writeFileSync(join(coordinator, 'README.md'), 'A demo project.\n');
    writeFileSync(join(coordinator, 'whaleflow.config.yaml'), memoConfig(true));
    for (const [name, text] of [['twins.json', workflow(LEAVES, true)], ['distinct.json', workflow(LEAVES, false)], ['slow.json', fixture(300)], ['fast.json', fixture(0)]]) writeFileSync(join(coordinator, name), text);
    git(coordinator, 'init', '-q');
    git(coordinator, 'add', '-A');
    git(coordinator, '-c', 'user.email=bench@whaleflow.invalid', '-c', 'user.name=bench', 'commit', '-qm', 'bench');
    git(tmpdir(), 'clone', '-q', coordinator, workerClone);
    const workers = await startWorkers(redis.url, workerClone, WORKERS);
    try {
      const setMemo = (enabled) => writeFileSync(join(coordinator, 'whaleflow.config.yaml'), memoConfig(enabled));
      setMemo(false);
      const own = queuedRun(coordinator, redis.url, 'twins.json', 'slow.json', 'own-memo');
      const ownDistinct = queuedRun(coordinator, redis.url, 'distinct.json', 'fast.json', 'own-memo-distinct');
      setMemo(true);
      const served = queuedRun(coordinator, redis.url, 'twins.json', 'slow.json', 'served-memo');
      const servedDistinct = queuedRun(coordinator, redis.url, 'distinct.json', 'fast.json', 'served-memo-distinct');
      rows.push({ bench: 'queue-memo', metric: `${LEAVES} identical leaves, ${WORKERS} workers, each worker's own memo (baseline)`, value: own.providerCalls, unit: 'provider calls', note: `${own.hits} hits; ${own.ms.toFixed(0)} ms` });
      rows.push({ bench: 'queue-memo', metric: `${LEAVES} identical leaves, ${WORKERS} workers, the coordinator's memo`, value: served.providerCalls, unit: 'provider calls', target: '1', note: `${served.hits} hits; ${served.ms.toFixed(0)} ms (×${(served.ms / own.ms).toFixed(2)} baseline)` });
      rows.push({
        bench: 'queue-memo',
        metric: `asking the coordinator, per model call (${LEAVES} distinct zero-latency leaves)`,
        value: ((servedDistinct.ms - ownDistinct.ms) * 1000) / LEAVES,
        unit: 'µs',
        note: `served ${servedDistinct.ms.toFixed(0)} ms vs own memo ${ownDistinct.ms.toFixed(0)} ms for the whole run (${servedDistinct.providerCalls} and ${ownDistinct.providerCalls} provider calls)`,
      });
    } finally {
      await stopWorkers(workers);
    }
  } finally {
    await redis.stop();
    rmSync(coordinator, { recursive: true, force: true });
    rmSync(workerClone, { recursive: true, force: true });
  }
  return rows;
}
