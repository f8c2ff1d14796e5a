import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { runCliInMemory } from '../cli/index.js';
import { executeWorkflow, MemoryEventSink, systemEnvironment, type RunEvent } from '../engine/index.js';
import { MockLeafRunner, MockModelGateway } from '../leaves/mock/index.js';
import { SqliteTraceStore } from '../trace/index.js';
import { wideWorkflow } from './testing/wide-workflow.js';

const LEAVES = 200;
const cliEntry = fileURLToPath(new URL('./testing/cli-entry.ts', import.meta.url));
// Absolute, so the child (whose cwd is a temp project) finds tsx.
const tsxLoader = pathToFileURL(join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist/loader.mjs')).href;

function completedLeafEffects(database: Database.Database, runId: string): number {
  try {
    const row = database.prepare("SELECT COUNT(*) AS n FROM events WHERE run_id = ? AND type = 'effect_completed'").get(runId) as { n: number };
    return row.n;
  } catch {
    return 0; // the child has created the file but not yet migrated it
  }
}

/** Polls (as a second reader: WAL never blocks the child's writes) until the predicate holds. */
async function waitFor(predicate: () => boolean, what: () => string): Promise<void> {
  const deadline = Date.now() + 45_000;
  while (Date.now() < deadline) {
    if (predicate()) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`timed out waiting for ${what()}`);
}

describe('crash and resume', () => {
  it(`a kill -9 mid-run of ${LEAVES} leaves resumes to the uninterrupted result, running no finished leaf twice`, async () => {
    const directory = mkdtempSync(join(tmpdir(), 'whaleflow-crash-'));
    const databasePath = join(directory, '.whaleflow', 'whaleflow.db');
    writeFileSync(join(directory, 'wide.json'), JSON.stringify(wideWorkflow(LEAVES)));
    // Slow enough (8 at a time, 250 ms each: ~6 s in all) that a loaded machine still kills it mid-run after 40.
    writeFileSync(join(directory, 'slow.yaml'), 'defaults:\n  latency_ms: 250\n');
    // A real `whaleflow run` child process (the CLI from sources), recording to the project trace.
    const child = spawn(
      process.execPath,
      ['--import', tsxLoader, cliEntry, 'run', 'wide.json', '--fixtures', 'slow.yaml', '--max-concurrency', '8', '--max-agents', String(LEAVES + 10), '--run-id', 'crashed-run', '--json'],
      { cwd: directory, env: { ...process.env, WHALEFLOW_HOME: '' }, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let childErrors = '';
    child.stderr.on('data', (chunk: Buffer) => (childErrors += chunk.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    await waitFor(() => existsSync(databasePath), () => `the trace database (child stderr: ${childErrors})`);

    const reader = new Database(databasePath, { readonly: true });
    await waitFor(() => completedLeafEffects(reader, 'crashed-run') >= 40, () => `40 finished leaves (child stderr: ${childErrors})`);
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const finishedBeforeCrash = completedLeafEffects(reader, 'crashed-run');
    expect(finishedBeforeCrash).toBeLessThan(LEAVES);
    reader.close();

    const fixture = join(directory, 'fixture.yaml');
    writeFileSync(fixture, 'defaults:\n  latency_ms: 0\n');
    const resumed = await runCliInMemory(['resume', 'crashed', '--fixtures', fixture, '--json'], { cwd: directory, env: {} });
    expect(resumed.stderr).toBe('');
    expect(resumed.exitCode).toBe(0);
    const outcome = JSON.parse(resumed.stdout) as { runId: string; servedFromTrace: number; ranLive: number; result: { status: string } };
    expect(outcome.result.status).toBe('succeeded');
    expect(outcome.servedFromTrace).toBeGreaterThanOrEqual(finishedBeforeCrash);

    // The same workflow uninterrupted, in memory.
    const environment = systemEnvironment();
    const uninterrupted = await executeWorkflow({
      spec: wideWorkflow(LEAVES),
      runId: 'reference',
      sink: new MemoryEventSink(),
      leafRunner: new MockLeafRunner(environment),
      gateway: new MockModelGateway(environment),
      environment,
      validation: { maxAgents: LEAVES + 10 },
    });
    const store = new SqliteTraceStore(databasePath);
    expect({ ...outcome.result, run_id: 'reference' }).toEqual(uninterrupted);

    // Every effect ran live exactly once across the crashed run and the resume.
    const liveCounts = new Map<string, number>();
    for (const runId of ['crashed-run', outcome.runId]) {
      for (const { event } of store.events(runId)) {
        if (event.type === 'effect_completed' && event.source === 'live') liveCounts.set(event.key, (liveCounts.get(event.key) ?? 0) + 1);
      }
    }
    const effectKeys = (events: readonly RunEvent[]) => new Set(events.flatMap((event) => (event.type === 'effect_completed' ? [event.key] : [])));
    expect(liveCounts.size).toBe(effectKeys(store.events(outcome.runId).map((entry) => entry.event)).size);
    expect([...liveCounts.values()].every((count) => count === 1)).toBe(true);
    expect(store.integrityCheck()).toBe('ok');
    expect(store.getRun('crashed-run')).toMatchObject({ status: 'running', finishedAt: null });
    store.close();
  });
});
