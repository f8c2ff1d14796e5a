import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileWorkflowFile } from '../authoring/index.js';
import { executeWorkflow, systemEnvironment } from '../engine/index.js';
import { parseWorkflowSpec, type WorkflowSpec, type WorkflowSpecInput } from '../ir/index.js';
import { SqliteTraceStore, TraceSink, type TraceStore } from '../trace/index.js';
import { readRecordedRun } from './recorded-run.js';
import { replayRun } from './replay-run.js';
import { CountingGateway, CountingLeafRunner } from './testing/counting-ports.js';

function spec(input: WorkflowSpecInput): WorkflowSpec {
  const parsed = parseWorkflowSpec(input);
  if (!parsed.ok) throw new Error(parsed.diagnostics.map((diagnostic) => diagnostic.message).join('\n'));
  return parsed.spec;
}

const leaf = (id: string, depends: string[] = []) => ({ kind: 'leaf', spec: { id, prompt: `do ${id}`, depends_on_results: depends } });

export const HAND_BUILT: Record<string, WorkflowSpec> = {
  'parallel fan-out and reduce': spec({
    id: 'fan',
    goal: 'fan out',
    nodes: [
      { kind: 'branch_set', spec: { id: 'fan', parallel: true, children: [leaf('a'), leaf('b'), leaf('c')] } },
      { kind: 'reduce', spec: { id: 'merge', inputs: ['a', 'b', 'c'], prompt: 'merge' } },
    ],
  } as WorkflowSpecInput),
  'sequence with dependencies': spec({
    id: 'seq',
    goal: 'chain',
    nodes: [{ kind: 'sequence', spec: { id: 'steps', children: [leaf('plan'), leaf('build', ['plan']), leaf('check', ['build'])] } }],
  } as WorkflowSpecInput),
  'loop, cond and tournament': spec({
    id: 'control',
    goal: 'decide things',
    nodes: [
      { kind: 'loop_until', spec: { id: 'polish', condition: 'is it good?', max_iterations: 3, children: [leaf('draft')] } },
      { kind: 'cond', spec: { id: 'gate', condition: 'ship it?', then_nodes: [leaf('ship')], else_nodes: [leaf('hold')] } },
      { kind: 'branch_set', spec: { id: 'rivals', parallel: true, children: [leaf('x'), leaf('y')] } },
      { kind: 'tournament', spec: { id: 'pick', candidates: ['x', 'y'], by: 'judge', judge: 'which is better?' } },
    ],
  } as WorkflowSpecInput),
  expand: spec({
    id: 'grow',
    goal: 'expand',
    nodes: [{ kind: 'expand', spec: { id: 'more', source: 'list the steps', max_children: 2, template: leaf('template-step') } }],
  } as WorkflowSpecInput),
};

export function freshStore(): SqliteTraceStore {
  return new SqliteTraceStore(join(mkdtempSync(join(tmpdir(), 'whaleflow-replay-')), 'whaleflow.db'));
}

export async function recordLiveRun(store: TraceStore, workflow: WorkflowSpec, runId: string) {
  const sink = new TraceSink(store);
  const leafRunner = new CountingLeafRunner();
  const gateway = new CountingGateway();
  const result = await executeWorkflow({ spec: workflow, runId, sink, leafRunner, gateway, environment: systemEnvironment() });
  sink.close();
  return { result, leafRunner, gateway };
}

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
