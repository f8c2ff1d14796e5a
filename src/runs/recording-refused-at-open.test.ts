import { closeSync, mkdtempSync, openSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { executeWorkflow, systemEnvironment } from '../engine/index.js';
import { MockLeafRunner, MockModelGateway, parseMockFixture } from '../leaves/mock/index.js';
import { openProjectRecorder } from '../trace/index.js';
import { writerMayOpenAlone } from '../trace/open-project-recorder.js';
import { wideWorkflow } from './testing/wide-workflow.js';

const LEAVES = 12;

/** A project whose trace's header looks sound (so the writer's thread opens it alone) but whose schema page is garbage. */
async function projectWithDamagedSchema(): Promise<{ readonly cwd: string; readonly path: string }> {
  const cwd = mkdtempSync(join(tmpdir(), 'whaleflow-refused-'));
  const first = openProjectRecorder({ cwd, env: {} });
  await first.close();
  const descriptor = openSync(first.databasePath, 'r+');
  writeSync(descriptor, Buffer.alloc(4_000, 0xa5), 0, 4_000, 100);
  closeSync(descriptor);
  return { cwd, path: first.databasePath };
}

async function runInto(cwd: string, options: { readonly stopOnFailure: boolean; readonly latencyMs: number }) {
  const recorder = openProjectRecorder({ cwd, env: {} });
  const environment = systemEnvironment();
  const leafRunner = new MockLeafRunner(environment, parseMockFixture(`defaults:\n  latency_ms: ${options.latencyMs}\n`));
  const result = await executeWorkflow({
    spec: wideWorkflow(LEAVES),
    runId: 'refused',
    sink: recorder.sink,
    leafRunner,
    gateway: new MockModelGateway(environment),
    environment,
    ...(options.stopOnFailure ? { signal: recorder.failed } : {}),
    limits: { maxConcurrentLeaves: 4 },
    validation: { maxAgents: LEAVES + 10 },
  });
  // As a caller that does more before it closes: the writer's refusal and its thread's exit are heard first.
  while (recorder.error === undefined && !recorder.failed.aborted) await new Promise((resolve) => setTimeout(resolve, 10));
  await new Promise((resolve) => setTimeout(resolve, 50));
  const closed = await Promise.race([recorder.close().then(() => 'closed'), new Promise((resolve) => setTimeout(() => resolve('still waiting'), 10_000))]);
  return { recorder, result, closed, started: leafRunner.started.length };
}

describe('a trace the writer thread refuses at its open', () => {
  it('stops the run (trace_failure) in its first wave of leaves, and says which file and why', async () => {
    const { cwd, path } = await projectWithDamagedSchema();
    expect(writerMayOpenAlone(path)).toBe(true);
    // Leaves that would take 30 s each: only the refusal ends this run in time.
    const { recorder, result, closed, started } = await runInto(cwd, { stopOnFailure: true, latencyMs: 30_000 });
    expect(closed).toBe('closed');
    expect(result.status).not.toBe('succeeded');
    expect(recorder.failed.reason).toMatchObject({ type: 'trace_failure' });
    expect(recorder.error?.message).toContain(path);
    expect(recorder.error?.message).toMatch(/damaged/);
    expect(recorder.startRecorded).toBe(false);
    expect(started).toBeLessThanOrEqual(4);
  }, 60_000);

  it('lets a caller that runs on regardless (no signal passed) still close the recorder and read the error', async () => {
    const { cwd, path } = await projectWithDamagedSchema();
    const { recorder, result, closed } = await runInto(cwd, { stopOnFailure: false, latencyMs: 1 });
    expect(result.status).toBe('succeeded');
    expect(closed).toBe('closed');
    expect(recorder.error?.message).toContain(path);
  }, 60_000);
});
