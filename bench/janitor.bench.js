// The janitor over a large project: N finished runs (default 1,000) holding about M MiB
// (default 1024) of event payloads. Measures the dry run, the applied pass (compaction of every
// run plus the database cap at half the size, then incremental vacuum), and the bytes freed;
// the time to write the same database is the baseline measured in the same run.
//   WHALEFLOW_BENCH_JANITOR_RUNS=1000 WHALEFLOW_BENCH_JANITOR_MB=1024 npm run bench janitor
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_JANITOR_CONFIG, embeddedDefaultConfig } from '../dist/config/index.js';
import { buildJanitorPlan, runJanitorPass } from '../dist/janitor/index.js';
import { SqliteTraceStore } from '../dist/trace/index.js';
import { fakeRunEvents } from '../dist/trace/testing/fake-run-events.js';

const runs = Number(process.env.WHALEFLOW_BENCH_JANITOR_RUNS ?? 1000);
const targetMb = Number(process.env.WHALEFLOW_BENCH_JANITOR_MB ?? 1024);
const leaves = 12;

function fileBytes(path) {
  let total = 0;
  for (const suffix of ['', '-wal']) {
    try {
      total += statSync(path + suffix).size;
    } catch {}
  }
  return total;
}

export async function run() {
  const directory = mkdtempSync(join(tmpdir(), 'whaleflow-bench-janitor-'));
  const path = join(directory, 'whaleflow.db');
  try {
    // Each leaf output is distinct text; a fifth of the runs repeat an earlier run's outputs
    // (the duplicates compaction stores once).
    const perLeafBytes = Math.max(64, Math.floor((targetMb * 1024 * 1024) / runs / leaves));
    const store = new SqliteTraceStore(path);
    const writeStart = performance.now();
    for (let index = 0; index < runs; index++) {
      const runId = `bench-${String(index).padStart(5, '0')}`;
      const source = index % 5 === 4 ? index - 1 : index;
      const outputOf = (leaf) => `run ${source} leaf ${leaf}: `.padEnd(perLeafBytes, String.fromCharCode(97 + ((source + leaf) % 26)));
      store.appendEvents(fakeRunEvents({ runId, leafCount: leaves, startAt: 1_000 + index * 1_000, outputOf }));
    }
    const writeMs = performance.now() - writeStart;
    store.database.pragma('wal_checkpoint(TRUNCATE)');
    const bytesBefore = fileBytes(path);
    const config = {
      ...embeddedDefaultConfig,
      janitor: { ...DEFAULT_JANITOR_CONFIG, maxDatabaseMb: Math.round(bytesBefore / 2 / 1024 / 1024), keepRecentRuns: 20, orphanedWorktrees: false },
    };
    const input = { trace: store, config, repositoryRoot: null, now: Date.now() };
    const planStart = performance.now();
    const plan = await buildJanitorPlan(input);
    const planMs = performance.now() - planStart;
    const applyStart = performance.now();
    const outcome = await runJanitorPass({ ...input, trigger: 'manual' });
    const applyMs = performance.now() - applyStart;
    const bytesAfter = fileBytes(path);
    const row = (what) => outcome.rows.find((entry) => entry.what === what);
    store.close();
    const note = `${runs} runs, ${(bytesBefore / 2 ** 20).toFixed(0)} MiB file`;
    return [
      { bench: 'janitor', metric: 'write the database (baseline)', value: writeMs, unit: 'ms', note },
      { bench: 'janitor', metric: 'dry run (plan)', value: planMs, unit: 'ms', note: `${(planMs / writeMs).toFixed(2)}x baseline` },
      { bench: 'janitor', metric: 'applied pass', value: applyMs, unit: 'ms', note: `${(applyMs / writeMs).toFixed(2)}x baseline` },
      { bench: 'janitor', metric: 'runs compacted', value: row('runs compacted')?.count ?? 0, unit: 'runs', note: `${plan.runs.compact.length} planned` },
      { bench: 'janitor', metric: 'runs deleted (cap at half)', value: row('runs deleted (database cap)')?.count ?? 0, unit: 'runs' },
      { bench: 'janitor', metric: 'file before', value: bytesBefore / 2 ** 20, unit: 'MiB' },
      { bench: 'janitor', metric: 'file after', value: bytesAfter / 2 ** 20, unit: 'MiB', note: `${((1 - bytesAfter / bytesBefore) * 100).toFixed(1)}% freed` },
    ];
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}
