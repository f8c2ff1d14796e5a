// The plain-JS floor every engine figure is divided by: the same workload as the engine benches
// (N leaves fan out under a limit of K in flight, then one fan-in collects their outputs), with
// nothing but N async functions and a counting semaphore; "durable" also writes every leaf's
// output to SQLite (WAL, one INSERT per leaf, one transaction per 256 rows, a run row at each end).
// It runs in the same process and the same minute as the benches it divides, so the ratio
// holds on a machine whose speed varies two- or threefold from hour to hour.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';

/** Waiters in an array with a head index: shift() on a 10,000-long array would not be a floor. */
class CountingSemaphore {
  constructor(limit) {
    this.free = limit;
    this.waiters = [];
    this.head = 0;
  }
  acquire() {
    if (this.free > 0) {
      this.free -= 1;
      return undefined;
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }
  release() {
    if (this.head < this.waiters.length) {
      const next = this.waiters[this.head];
      this.waiters[this.head++] = undefined;
      next();
    } else this.free += 1;
  }
}

const FILLER = 'x'.repeat(200);

/** One floor run; resolves to its wall time in ms (database open and close included when durable). */
export async function floorRun({ leaves, latencyMs = 0, concurrency = 16, durable = false }) {
  const start = performance.now();
  const directory = durable ? mkdtempSync(join(tmpdir(), 'whaleflow-floor-')) : undefined;
  const database = directory ? new Database(join(directory, 'floor.db')) : undefined;
  let put = () => undefined;
  let finish = () => undefined;
  if (database) {
    database.pragma('journal_mode = WAL');
    database.exec('CREATE TABLE runs (run_id TEXT PRIMARY KEY, status TEXT); CREATE TABLE outputs (run_id TEXT, leaf INTEGER, output TEXT, PRIMARY KEY (run_id, leaf))');
    database.prepare('INSERT INTO runs VALUES (?, ?)').run('floor', 'running');
    const insert = database.prepare('INSERT INTO outputs VALUES (?, ?, ?)');
    const write = database.transaction((rows) => {
      for (const row of rows) insert.run('floor', row[0], row[1]);
    });
    let pending = [];
    put = (leaf, output) => {
      pending.push([leaf, output]);
      if (pending.length >= 256) {
        write(pending);
        pending = [];
      }
    };
    finish = () => {
      if (pending.length > 0) write(pending);
      database.prepare('UPDATE runs SET status = ? WHERE run_id = ?').run('done', 'floor');
    };
  }
  const semaphore = new CountingSemaphore(concurrency);
  const outputs = new Array(leaves);
  const runLeaf = async (index) => {
    const wait = semaphore.acquire();
    if (wait) await wait;
    try {
      if (latencyMs > 0) await sleep(latencyMs);
      const output = `leaf-${index} ${FILLER}`;
      outputs[index] = output;
      put(index, output);
    } finally {
      semaphore.release();
    }
  };
  const tasks = new Array(leaves);
  for (let index = 0; index < leaves; index += 1) tasks[index] = runLeaf(index);
  await Promise.all(tasks);
  const collected = outputs.filter((output) => output !== undefined).length;
  finish();
  database?.close();
  const elapsed = performance.now() - start;
  if (directory) rmSync(directory, { recursive: true, force: true });
  if (collected !== leaves) throw new Error(`floor collected ${collected} of ${leaves}`);
  return elapsed;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** The floors the benches name (row.floor), each the median of several runs after a warm-up. */
export async function measureFloors() {
  const configurations = {
    'memory-10k': { leaves: 10_000, runs: 9, label: '10,000 leaves, L=0, K=16, in memory' },
    'durable-10k': { leaves: 10_000, durable: true, runs: 5, label: '10,000 leaves, L=0, K=16, SQLite' },
    'latency-2000': { leaves: 2_000, latencyMs: 20, concurrency: 100, runs: 3, label: '2,000 leaves × 20 ms, K=100' },
  };
  const floors = {};
  for (const [name, { runs, label, ...workload }] of Object.entries(configurations)) {
    await floorRun(workload);
    const times = [];
    for (let run = 0; run < runs; run += 1) times.push(await floorRun(workload));
    floors[name] = { ms: median(times), label };
  }
  return floors;
}
