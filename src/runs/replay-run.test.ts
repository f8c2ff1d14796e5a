import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileWorkflowFile } from '../authoring/index.js';
import type { WorkflowSpec } from '../ir/index.js';
import { executeWorkflow, systemEnvironment, type LeafRunner, type ModelGateway } from '../engine/index.js';
import { EMPTY_MOCK_FIXTURE, loadMockFixture, MockLeafRunner, MockModelGateway } from '../leaves/mock/index.js';
import type { TraceStore } from '../trace/index.js';
import { TraceSink } from '../trace/index.js';
import { readRecordedRun } from './recorded-run.js';
import { replayRun } from './replay-run.js';
import { countLivePorts } from './forbidden-live-ports.js';
import { inMemoryMemoryPort } from '../memory/testing/in-memory-memory-port.js';
import { CountingGateway, CountingLeafRunner } from './testing/counting-ports.js';
import { freshStore, HAND_BUILT, recordLiveRun } from './testing/hand-built-specs.js';

/** Runs a workflow live into a fresh store; by default with the counting stand-ins, or with the given ports. */
async function expectExactReplay(workflow: WorkflowSpec, ports?: { leafRunner: LeafRunner; gateway: ModelGateway }): Promise<void> {
  const store = freshStore();
  const live = ports ? await recordWithPorts(store, workflow, ports) : await recordLiveRun(store, workflow, 'original');
  expect(live.calls).toBeGreaterThan(0);
  const sink = new TraceSink(store);
  // Counting ports are handed over, but a pure replay must never reach them.
  const leafRunner = new CountingLeafRunner();
  const gateway = new CountingGateway();
  const outcome = await replayRun({ recorded: readRecordedRun(store, 'original'), runId: 'replayed', sink, leafRunner, gateway, trustedSpec: true });
  sink.close();
  expect(leafRunner.calls).toBe(0);
  expect(gateway.calls).toBe(0);
  expect(outcome.liveCalls).toEqual({ leafRuns: 0, gatewayCalls: 0 });
  expect(outcome.divergences).toEqual([]);
  expect(outcome.parity).toEqual({ identical: true });
  expect(outcome.ranLive).toBe(0);
  expect({ ...outcome.result, run_id: 'original' }).toEqual(live.result);
  expect(outcome.result.status).toBe(live.result.status);
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
  const isWorkflow = (name: string) => /\.(ya?ml|json|star|workflow\.(js|ts))$/.test(name) && !/\.fixtures\.ya?ml$/.test(name);
  for (const file of readdirSync(examples).filter(isWorkflow)) {
    it(`example ${file} (recorded with the mock and its fixtures, if any)`, async () => {
      const compiled = await compileWorkflowFile(join(examples, file));
      const fixturePath = join(examples, file.replace(/(\.workflow)?\.[a-z]+$/, '.fixtures.yaml'));
      const fixture = existsSync(fixturePath) ? await loadMockFixture(fixturePath) : EMPTY_MOCK_FIXTURE;
      const environment = systemEnvironment();
      await expectExactReplay(compiled.spec, { leafRunner: new MockLeafRunner(environment, fixture), gateway: new MockModelGateway(environment, fixture) });
    });
  }
});

async function recordWithPorts(store: TraceStore, workflow: WorkflowSpec, ports: { leafRunner: LeafRunner; gateway: ModelGateway }) {
  const counted = countLivePorts(ports.leafRunner, ports.gateway);
  const sink = new TraceSink(store);
  // An example with memory nodes (build_log_question) loads its context into an in-memory store.
  const memory = inMemoryMemoryPort(process.cwd());
  const result = await executeWorkflow({
    spec: workflow,
    runId: 'original',
    sink,
    leafRunner: counted.leafRunner,
    gateway: counted.gateway,
    memory: memory.service,
    environment: systemEnvironment(),
    grant: { allowWrite: true, allowWriteTree: true, allowNetwork: true, allowedCommands: 'declared' },
  });
  memory.close();
  sink.close();
  return { result, calls: counted.counts.leafRuns + counted.counts.gatewayCalls };
}

describe('run_finished records the result tree by its digest', () => {
  it('stores no node tree in run_finished, and replays identically from it and from a trace that still has the tree', async () => {
    const store = freshStore();
    const live = await recordLiveRun(store, HAND_BUILT[Object.keys(HAND_BUILT)[0]!]!, 'original');
    const finished = store.events('original', 0, ['run_finished'])[0]!.event;
    expect(finished.type === 'run_finished' && finished.result).toMatchObject({ run_id: 'original', status: live.result.status, results_sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(finished.type === 'run_finished' && 'results' in finished.result).toBe(false);
    const recorded = readRecordedRun(store, 'original');
    // A trace recorded before this change: run_finished carries the whole tree and no digest.
    const older = { ...recorded, result: live.result };
    for (const [runId, source] of [['from-digest', recorded], ['from-tree', older]] as const) {
      const sink = new TraceSink(store);
      const outcome = await replayRun({ recorded: source, runId, sink, trustedSpec: true });
      sink.close();
      expect(outcome.parity).toEqual({ identical: true });
    }
    store.close();
  });
});
