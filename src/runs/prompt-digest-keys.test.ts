// An engine model call's key takes its prompt by SHA-256 (engine patch `prompt-digest-keys`), not
// inside the request's JSON. Runs recorded before that (without the patch) still replay identical
// and resume with their old keys.
import { describe, expect, it } from 'vitest';
import { decisionKey, ENGINE_PATCHES, executeWorkflow, MemoryEventSink, systemEnvironment, type EnginePatch, type GatewayRequest, type RunEvent } from '../engine/index.js';
import type { WorkflowSpecInput } from '../ir/index.js';
import { TraceSink } from '../trace/index.js';
import { sha256Hex } from '../util/index.js';
import { readRecordedRun } from './recorded-run.js';
import { replayRun } from './replay-run.js';
import { resumeRun } from './resume-run.js';
import { CountingGateway, CountingLeafRunner } from './testing/counting-ports.js';
import { freshStore, spec } from './testing/hand-built-specs.js';

const leaf = (id: string) => ({ kind: 'leaf', spec: { id, prompt: `do ${id}` } });

const FAN_IN = spec({
  id: 'fan-in',
  goal: 'reduce over leaves',
  nodes: [
    { kind: 'branch_set', spec: { id: 'fan-out', parallel: true, children: [leaf('a'), leaf('b'), leaf('c')] } },
    { kind: 'reduce', spec: { id: 'verdict', inputs: ['a', 'b', 'c'], prompt: 'merge the answers' } },
  ],
} as WorkflowSpecInput);

const BEFORE_THE_PATCH: EnginePatch[] = ENGINE_PATCHES.filter((patch) => patch !== 'prompt-digest-keys');

class RecordingGateway extends CountingGateway {
  readonly requests: GatewayRequest[] = [];
  override async complete(request: GatewayRequest) {
    this.requests.push(request);
    return super.complete(request);
  }
}

async function record(patches: readonly EnginePatch[] | undefined, outputOf = (id: string) => `${id} is fine`) {
  const sink = new MemoryEventSink();
  const gateway = new RecordingGateway();
  await executeWorkflow({ spec: FAN_IN, runId: 'original', sink, leafRunner: new CountingLeafRunner({ outputOf }), gateway, environment: systemEnvironment(), ...(patches ? { patches } : {}) });
  const request = gateway.requests.find((asked) => asked.nodeId === 'verdict')!;
  const key = sink.ofType('effect_completed').find((event) => event.scope.nodeId === 'verdict')!.key;
  return { events: sink.events, request, key };
}

/** Replays a recorded run from a fresh store: no divergence, identical results, nothing asked live. */
async function expectIdenticalReplay(events: readonly RunEvent[]): Promise<void> {
  const store = freshStore();
  store.appendEvents(events);
  const replaySink = new TraceSink(store);
  const leafRunner = new CountingLeafRunner();
  const gateway = new CountingGateway();
  const outcome = await replayRun({ recorded: readRecordedRun(store, 'original'), runId: 'replayed', sink: replaySink, leafRunner, gateway, trustedSpec: true });
  replaySink.close();
  store.close();
  expect(outcome.divergences).toEqual([]);
  expect(outcome.parity).toEqual({ identical: true });
  expect(leafRunner.calls + gateway.calls).toBe(0);
}

describe('engine model call keys (prompt-digest-keys)', () => {
  it('a new run keys a reduce by its prompt\'s SHA-256, and the key still follows the prompt', async () => {
    const { events, request, key } = await record(undefined);
    const { prompt, ...rest } = request;
    expect(key).toBe(decisionKey('verdict', 0, { kind: 'reduce', request: { ...rest, prompt_sha256: sha256Hex(prompt) } }));
    expect(key).not.toBe(decisionKey('verdict', 0, { kind: 'reduce', request }));
    const started = events.find((event) => event.type === 'run_started');
    expect(started?.type === 'run_started' && started.patches).toContain('prompt-digest-keys');
    // Other leaf outputs, another prompt, another key.
    const other = await record(undefined, (id) => `${id} is broken`);
    expect(other.key).not.toBe(key);
  });

  it('a run recorded before the patch keeps its keys: replay is identical with zero calls, and resume runs the rest the old way', async () => {
    const old = await record(BEFORE_THE_PATCH);
    expect(old.key).toBe(decisionKey('verdict', 0, { kind: 'reduce', request: old.request }));
    await expectIdenticalReplay(old.events);

    // Cut before the reduce: resume serves the leaves and asks the reduce live, under its old key.
    const cut = old.events.findIndex((event) => event.type === 'node_started' && event.nodeId === 'verdict');
    const crashedStore = freshStore();
    crashedStore.appendEvents(old.events.slice(0, cut).map((event): RunEvent => ({ ...event, runId: 'crashed' })));
    const resumeSink = new TraceSink(crashedStore);
    const resumeGateway = new RecordingGateway();
    const resumed = await resumeRun({ store: crashedStore, recorded: readRecordedRun(crashedStore, 'crashed'), runId: 'resumed', sink: resumeSink, leafRunner: new CountingLeafRunner(), gateway: resumeGateway });
    resumeSink.close();
    expect(resumed.result.status).toBe('succeeded');
    const resumedKey = crashedStore
      .events('resumed')
      .map((entry) => entry.event)
      .find((event) => event.type === 'effect_completed' && event.scope.nodeId === 'verdict');
    expect(resumedKey?.type === 'effect_completed' && resumedKey.key).toBe(old.key);
    expect(resumeGateway.calls).toBe(1);
    crashedStore.close();
  });

  it('a run recorded with the patch replays identical with zero calls', async () => {
    await expectIdenticalReplay((await record(undefined)).events);
  });
});
