import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileWorkflowFile } from '../authoring/index.js';
import type { WorkflowSpec } from '../ir/index.js';
import { TraceSink } from '../trace/index.js';
import { readRecordedRun } from './recorded-run.js';
import { replayRun } from './replay-run.js';
import { CountingGateway, CountingLeafRunner } from './testing/counting-ports.js';
import { freshStore, HAND_BUILT, recordLiveRun } from './testing/hand-built-specs.js';

async function expectExactReplay(workflow: WorkflowSpec): Promise<void> {
  const store = freshStore();
  const live = await recordLiveRun(store, workflow, 'original');
  expect(live.leafRunner.calls + live.gateway.calls).toBeGreaterThan(0);
  const sink = new TraceSink(store);
  // Counting ports are handed over, but a pure replay must never reach them.
  const leafRunner = new CountingLeafRunner();
  const gateway = new CountingGateway();
  const outcome = await replayRun({ recorded: readRecordedRun(store, 'original'), runId: 'replayed', sink, leafRunner, gateway });
  sink.close();
  expect(leafRunner.calls).toBe(0);
  expect(gateway.calls).toBe(0);
  expect(outcome.liveCalls).toEqual({ leafRuns: 0, gatewayCalls: 0 });
  expect(outcome.divergences).toEqual([]);
  expect(outcome.parity).toEqual({ identical: true });
  expect(outcome.ranLive).toBe(0);
  expect({ ...outcome.result, run_id: 'original' }).toEqual(live.result);
  const replayRecord = store.getRun('replayed')!;
  expect(replayRecord).toMatchObject({ mode: 'replay', parentRunId: 'original', status: live.result.status });
  const finished = store.events('replayed').map((entry) => entry.event).find((event) => event.type === 'run_finished');
  expect(finished && finished.type === 'run_finished' && finished.parity).toEqual({ identical: true });
  // Every effect of the replay was served from the trace.
  const sources = store.events('replayed').flatMap((entry) => (entry.event.type === 'effect_completed' ? [entry.event.source] : []));
  expect(sources.length).toBeGreaterThan(0);
  expect(new Set(sources)).toEqual(new Set(['trace']));
  store.close();
}

describe('replay reproduces the recorded result tree with zero live calls', () => {
  for (const [name, workflow] of Object.entries(HAND_BUILT)) {
    it(name, () => expectExactReplay(workflow));
  }

  const examples = join(process.cwd(), 'workflows');
  for (const file of readdirSync(examples).filter((name) => /\.(ya?ml|json|star|workflow\.(js|ts))$/.test(name))) {
    it(`example ${file}`, async () => {
      const compiled = await compileWorkflowFile(join(examples, file));
      await expectExactReplay(compiled.spec);
    });
  }
});
