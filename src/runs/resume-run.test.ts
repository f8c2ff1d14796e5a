import { describe, expect, it } from 'vitest';
import { executeWorkflow, systemEnvironment } from '../engine/index.js';
import type { WorkflowSpecInput } from '../ir/index.js';
import { TraceSink } from '../trace/index.js';
import { readRecordedRun } from './recorded-run.js';
import { resumeRun } from './resume-run.js';
import { CountingGateway, CountingLeafRunner } from './testing/counting-ports.js';
import { freshStore, recordLiveRun, spec } from './testing/hand-built-specs.js';

const leaves = Array.from({ length: 40 }, (_, index) => ({ kind: 'leaf', spec: { id: `leaf-${index}`, prompt: `task ${index}` } }));
const wide = spec({
  id: 'wide',
  goal: 'many leaves',
  nodes: [
    { kind: 'branch_set', spec: { id: 'fan', parallel: true, children: leaves } },
    { kind: 'reduce', spec: { id: 'merge', inputs: ['leaf-0', 'leaf-39'], prompt: 'merge' } },
  ],
} as WorkflowSpecInput);

describe('resumeRun', () => {
  it('continues a cancelled run: nothing finished runs twice and the result equals an uninterrupted run', async () => {
    const store = freshStore();
    const reference = await recordLiveRun(store, wide, 'uninterrupted');

    const controller = new AbortController();
    const firstRunner = new CountingLeafRunner({ latencyMs: 2 });
    const originalRun = firstRunner.run.bind(firstRunner);
    firstRunner.run = async (input, context) => {
      if (firstRunner.calls === 15) controller.abort();
      return originalRun(input, context);
    };
    const sink = new TraceSink(store);
    const cancelled = await executeWorkflow({
      spec: wide,
      runId: 'cancelled',
      sink,
      leafRunner: firstRunner,
      gateway: new CountingGateway(),
      environment: systemEnvironment(),
      limits: { maxConcurrentLeaves: 4 },
      signal: controller.signal,
    });
    sink.close();
    expect(cancelled.status).toBe('cancelled');

    const finishedBefore = store
      .events('cancelled')
      .flatMap((entry) => (entry.event.type === 'effect_completed' && entry.event.result.status === 'succeeded' ? [entry.event.key] : []));
    expect(finishedBefore.length).toBeGreaterThan(0);
    expect(finishedBefore.length).toBeLessThan(40);

    const secondRunner = new CountingLeafRunner();
    const resumeSink = new TraceSink(store);
    const outcome = await resumeRun({ store, recorded: readRecordedRun(store, 'cancelled'), runId: 'resumed', sink: resumeSink, leafRunner: secondRunner, gateway: new CountingGateway() });
    resumeSink.close();

    expect(outcome.result.status).toBe('succeeded');
    expect({ ...outcome.result, run_id: 'uninterrupted' }).toEqual(reference.result);
    // No leaf that finished before ran again.
    expect(secondRunner.keys.filter((key) => finishedBefore.includes(key))).toEqual([]);
    expect(secondRunner.calls).toBe(40 - finishedBefore.filter((key) => reference.leafRunner.keys.includes(key)).length);
    expect(store.getRun('resumed')).toMatchObject({ mode: 'resume', parentRunId: 'cancelled', status: 'succeeded' });
    store.close();
  });

  it('resumes an edited workflow, reusing the leaves whose input hash did not change', async () => {
    const store = freshStore();
    await recordLiveRun(store, wide, 'first');
    const edited = spec({
      id: 'wide',
      goal: 'many leaves',
      nodes: [
        { kind: 'branch_set', spec: { id: 'fan', parallel: true, children: [...leaves.slice(0, 39), { kind: 'leaf', spec: { id: 'leaf-39', prompt: 'task 39, edited' } }] } },
        { kind: 'reduce', spec: { id: 'merge', inputs: ['leaf-0', 'leaf-39'], prompt: 'merge' } },
      ],
    } as WorkflowSpecInput);
    const runner = new CountingLeafRunner({ outputOf: (id, prompt) => `${id}: ${prompt}` });
    const gateway = new CountingGateway();
    const sink = new TraceSink(store);
    const outcome = await resumeRun({ store, recorded: readRecordedRun(store, 'first'), runId: 'edited', sink, leafRunner: runner, gateway, spec: edited });
    sink.close();
    expect(runner.calls).toBe(1);
    expect(runner.keys).toHaveLength(1);
    // The reduce reads the changed leaf's new output, so its key changed too: it runs live.
    expect(gateway.calls).toBe(1);
    expect(outcome.servedFromTrace).toBe(39);
    store.close();
  });
});
