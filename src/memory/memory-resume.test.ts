import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  executeWorkflow,
  MemoryEventSink,
  systemEnvironment,
  type EffectResult,
  type GatewayRequest,
  type LeafRunContext,
  type LeafRunner,
  type ModelGateway,
} from '../engine/index.js';
import { emptyMemoUsage, parseWorkflowSpec, type WorkflowSpec } from '../ir/index.js';
import { RecordedEffects, ReplayBoundary, ResumeBoundary } from '../trace/index.js';
import { MemoryService, SqliteMemoryStore } from './index.js';

const SPEC = {
  goal: 'ask a sub-query, then crash',
  nodes: [
    { kind: 'memory', spec: { id: 'log', source: { files: ['logs/*.log'] } } },
    { kind: 'leaf', spec: { id: 'ask', prompt: 'why?', memory: ['log'] } },
  ],
};

/** Counts the sub-query calls that reach the model. */
class CountingGateway implements ModelGateway {
  calls: GatewayRequest[] = [];
  async complete(request: GatewayRequest) {
    this.calls.push(request);
    return { text: 'because line 2 says so', usage: { input_tokens: 120, output_tokens: 8, cost_microusd: 50 }, memo_usage: emptyMemoUsage() };
  }
}

/** A leaf that asks one sub-query and then either hangs until stopped (the "crash") or finishes. */
function subQueryLeaf(after: 'hang' | 'finish'): LeafRunner {
  return {
    async run(_input, context: LeafRunContext): Promise<EffectResult> {
      const answer = await context.memory!.perform({ op: 'sub_query', context: 'log', start_line: 1, end_line: 2, question: 'why?' });
      if (after === 'hang') await new Promise((_, reject) => context.signal.addEventListener('abort', () => reject(context.signal.reason), { once: true }));
      return { status: 'succeeded', output: answer.output, usage: answer.usage, memo_usage: emptyMemoUsage() };
    },
  };
}

describe('memory operations through resume and replay', () => {
  let root: string;
  let store: SqliteMemoryStore;
  let memory: MemoryService;
  let spec: WorkflowSpec;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'whaleflow-memory-resume-'));
    mkdirSync(join(root, 'logs'));
    writeFileSync(join(root, 'logs', 'a.log'), 'start\nthe cache key included the run id\nend\n');
    store = new SqliteMemoryStore(':memory:', { repository: root });
    memory = new MemoryService({ store, root, env: {}, maxBytes: 1 << 20, commandTimeoutMs: 10_000, stateDirectory: join(root, '.whaleflow'), limits: { maxSubQueries: 4, maxSubQueryChars: 10_000 } });
    const parsed = parseWorkflowSpec(SPEC);
    if (!parsed.ok) throw new Error('bad spec');
    spec = parsed.spec;
  });
  afterEach(() => {
    store.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('a resumed leaf is served the sub-query it paid for before the interruption: the model is not called again', async () => {
    const gateway = new CountingGateway();
    const crashed = new MemoryEventSink();
    const stop = new AbortController();
    const first = executeWorkflow({ spec, runId: 'first', sink: crashed, leafRunner: subQueryLeaf('hang'), gateway, memory, environment: systemEnvironment(), signal: stop.signal, limits: { leafStopGraceMs: 0 } });
    while (!crashed.events.some((event) => event.type === 'effect_completed' && event.scope.within !== undefined)) await new Promise((resolve) => setTimeout(resolve, 5));
    stop.abort();
    // The process "dies" here: keep only what was recorded up to the sub-query's completion.
    const cut = crashed.events.findIndex((event) => event.type === 'effect_completed' && event.scope.within !== undefined);
    const recorded = crashed.events.slice(0, cut + 1);
    expect(gateway.calls).toHaveLength(1);

    const resumedSink = new MemoryEventSink();
    const boundary = new ResumeBoundary(new RecordedEffects(recorded));
    const resumed = await executeWorkflow({ spec, runId: 'resumed', sink: resumedSink, boundary, leafRunner: subQueryLeaf('finish'), gateway, memory, environment: systemEnvironment(), mode: 'resume', parentRunId: 'first' });
    expect(resumed.status).toBe('succeeded');
    expect(gateway.calls).toHaveLength(1); // not paid twice
    expect(boundary.servedFromTrace).toBe(2); // the load and the sub-query
    const leaf = resumed.results.find((result) => result.id === 'ask')!;
    expect(leaf.output).toBe('because line 2 says so');
    expect(leaf.usage).toEqual({ input_tokens: 120, output_tokens: 8, cost_microusd: 50 }); // still accounted to the leaf
    expect((await first).status).toBe('cancelled'); // nothing is left running
  });

  it('a replay needs no store and no model: every memory effect comes from the trace', async () => {
    const gateway = new CountingGateway();
    const live = new MemoryEventSink();
    const result = await executeWorkflow({ spec, runId: 'live', sink: live, leafRunner: subQueryLeaf('finish'), gateway, memory, environment: systemEnvironment() });
    expect(result.status).toBe('succeeded');
    store.clear(undefined, { force: true });
    const boundary = new ReplayBoundary(new RecordedEffects(live.events));
    const replayed = await executeWorkflow({ spec, runId: 'replay', sink: new MemoryEventSink(), boundary, leafRunner: subQueryLeaf('finish'), gateway, environment: systemEnvironment(), mode: 'replay' });
    expect(replayed.status).toBe('succeeded');
    expect(gateway.calls).toHaveLength(1);
    expect(boundary.ranLive).toBe(0);
    expect(boundary.unasked()).toEqual([]); // the leaf served from the trace stands for its nested operations
    expect(replayed.results.map((entry) => entry.output)).toEqual(result.results.map((entry) => entry.output));
  });
});
