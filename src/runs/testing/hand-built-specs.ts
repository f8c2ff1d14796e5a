import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { executeWorkflow, systemEnvironment } from '../../engine/index.js';
import { parseWorkflowSpec, type WorkflowSpec, type WorkflowSpecInput } from '../../ir/index.js';
import { SqliteTraceStore, TraceSink, type TraceStore } from '../../trace/index.js';
import { CountingGateway, CountingLeafRunner } from './counting-ports.js';

/** Small workflows covering every effect kind, for replay and CLI tests. */
export function spec(input: WorkflowSpecInput): WorkflowSpec {
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

export async function recordLiveRun(store: TraceStore, workflow: WorkflowSpec, runId: string, runnerOptions: ConstructorParameters<typeof CountingLeafRunner>[0] = {}) {
  const sink = new TraceSink(store);
  const leafRunner = new CountingLeafRunner(runnerOptions);
  const gateway = new CountingGateway();
  const result = await executeWorkflow({ spec: workflow, runId, sink, leafRunner, gateway, environment: systemEnvironment() });
  sink.close();
  return { result, leafRunner, gateway, calls: leafRunner.calls + gateway.calls };
}

