import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCliInMemory } from '../cli/index.js';
import { executeWorkflow, MemoryEventSink, systemEnvironment, type RunEvent } from '../engine/index.js';
import { MockLeafRunner, MockModelGateway } from '../leaves/mock/index.js';
import { SqliteTraceStore } from '../trace/index.js';
import { wideWorkflow } from './testing/wide-workflow.js';

const LEAVES = 200;
const childScript = fileURLToPath(new URL('./testing/crash-child-script.ts', import.meta.url));

function completedLeafEffects(database: Database.Database, runId: string): number {
  const row = database
    .prepare("SELECT COUNT(*) AS n FROM events WHERE run_id = ? AND type = 'effect_completed'")
    .get(runId) as { n: number };
  return row.n;
}

/** Polls (as a second reader: WAL never blocks the child's writes) until the predicate holds. */
async function waitFor(predicate: () => boolean, what: string): Promise<void> {
  for (let attempt = 0; attempt < 2000; attempt++) {
    if (predicate()) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('crash and resume', () => {
  it(`a kill -9 mid-run of ${LEAVES} leaves resumes to the uninterrupted result, running no finished leaf twice`, async () => {
    const directory = mkdtempSync(join(tmpdir(), 'whaleflow-crash-'));
    const databasePath = join(directory, 'whaleflow.db');
    new SqliteTraceStore(databasePath).close();
    const child = spawn(process.execPath, ['--import', 'tsx', childScript, databasePath, 'crashed-run', String(LEAVES), '40'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let childErrors = '';
    child.stderr.on('data', (chunk: Buffer) => (childErrors += chunk.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));

    const reader = new Database(databasePath, { readonly: true });
    await waitFor(() => completedLeafEffects(reader, 'crashed-run') >= 40, `40 finished leaves (child stderr: ${childErrors})`);
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const finishedBeforeCrash = completedLeafEffects(reader, 'crashed-run');
    expect(finishedBeforeCrash).toBeLessThan(LEAVES);
    reader.close();

    const fixture = join(directory, 'fixture.yaml');
    writeFileSync(fixture, 'defaults:\n  latency_ms: 0\n');
    const resumed = await runCliInMemory(['resume', 'crashed', '--db', databasePath, '--fixture', fixture, '--json'], { cwd: directory, env: {} });
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
