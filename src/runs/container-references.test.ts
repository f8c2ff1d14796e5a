// A reduce (or a leaf's depends_on_results) over a branch reads the branch's children's outputs
// in declaration order — not null. Runs recorded before that change (no `patches` in
// run_started) still replay identical, and a reference to a leaf keeps CodeWhale's input hash.
import { describe, expect, it } from 'vitest';
import { executeWorkflow, MemoryEventSink, systemEnvironment, type GatewayRequest, type RunEvent } from '../engine/index.js';
import { leafInputHash, type LeafSpec } from '../ir/index.js';
import { TraceSink } from '../trace/index.js';
import { readRecordedRun } from './recorded-run.js';
import { replayRun } from './replay-run.js';
import { resumeRun } from './resume-run.js';
import { CountingGateway, CountingLeafRunner } from './testing/counting-ports.js';
import { freshStore, spec } from './testing/hand-built-specs.js';
import type { WorkflowSpecInput } from '../ir/index.js';

const leaf = (id: string, depends: string[] = []) => ({ kind: 'leaf', spec: { id, prompt: `do ${id}`, depends_on_results: depends } });

/** A parallel branch of three leaves (the last finishes first), a reduce over the branch, a leaf that depends on the branch. */
const OVER_A_BRANCH = spec({
  id: 'review',
  goal: 'reduce over a branch',
  nodes: [
    { kind: 'branch_set', spec: { id: 'reviewers', parallel: true, children: [leaf('correctness'), leaf('tests'), { kind: 'sequence', spec: { id: 'design-steps', children: [leaf('design')] } }] } },
    { kind: 'reduce', spec: { id: 'verdict', inputs: ['reviewers'], prompt: 'merge the reviews' } },
    leaf('follow-up', ['reviewers']),
  ],
} as WorkflowSpecInput);

/** A gateway that records what each engine call was asked. */
class RecordingGateway extends CountingGateway {
  readonly requests: GatewayRequest[] = [];
  override async complete(request: GatewayRequest) {
    this.requests.push(request);
    return super.complete(request);
  }
}

/** Outputs named after the leaf; `design` is slowest-declared but fastest to finish (no latency differences matter: order is declaration order). */
const outputOf = (id: string) => `${id} says ok`;

describe('references to a container', () => {
  it("a reduce over a branch gets its children's outputs in declaration order, and a dependent leaf gets them as its input", async () => {
    const gateway = new RecordingGateway();
    const leafRunner = new CountingLeafRunner({ outputOf });
    const inputs: Record<string, Readonly<Record<string, string | null>>> = {};
    const runner = { run: async (input: Parameters<CountingLeafRunner['run']>[0], context: Parameters<CountingLeafRunner['run']>[1]) => ((inputs[input.leaf.id] = input.resolvedInputs), leafRunner.run(input, context)) };
    const sink = new MemoryEventSink();
    const result = await executeWorkflow({ spec: OVER_A_BRANCH, runId: 'r', sink, leafRunner: runner, gateway, environment: systemEnvironment() });
    expect(result.status).toBe('succeeded');

    const reduce = gateway.requests.find((request) => request.nodeId === 'verdict')!;
    expect(reduce.prompt).toBe('merge the reviews\n\nEvidence:\n### correctness (succeeded)\ncorrectness says ok\n\n### tests (succeeded)\ntests says ok\n\n### design (succeeded)\ndesign says ok');
    expect(reduce.prompt).not.toContain('(no output)');

    const expected = '### correctness (succeeded)\ncorrectness says ok\n\n### tests (succeeded)\ntests says ok\n\n### design (succeeded)\ndesign says ok';
    expect(inputs['follow-up']).toEqual({ reviewers: expected });
    // The leaf's input hash keeps CodeWhale's shape: one string per depends_on_results id.
    const followUp = OVER_A_BRANCH.nodes[2]!.spec as LeafSpec;
    const completed = sink.ofType('effect_completed').find((event) => event.scope.nodeId === 'follow-up')!;
    expect(completed.key).toBe(leafInputHash(OVER_A_BRANCH, followUp, { reviewers: expected }));
    expect(sink.ofType('run_started')[0]!.patches).toEqual(['container-references', 'worktree-base-diffs', 'expansion-launch-limits', 'prompt-digest-keys']);
  });

  it('a reference to a leaf is unchanged: its output, and the CodeWhale hash vector', async () => {
    const workflow = spec({ id: 'wf', goal: 'replay safely', nodes: [leaf('a'), leaf('b'), { kind: 'leaf', spec: { id: 'summarize', prompt: 'run summarize', depends_on_results: ['b', 'a'] } }] } as WorkflowSpecInput);
    const leafRunner = new CountingLeafRunner({ outputOf: (id) => (id === 'a' ? 'one' : 'two') });
    const sink = new MemoryEventSink();
    await executeWorkflow({ spec: workflow, runId: 'r', sink, leafRunner, gateway: new CountingGateway(), environment: systemEnvironment() });
    const completed = sink.ofType('effect_completed').find((event) => event.scope.nodeId === 'summarize')!;
    expect(completed.key).toBe('7ddb9bafa0f2511d9f394eb2fea4355467a87385f9d75b5bce24aa6d6d19ff41');
  });

  it('a new run over a branch replays identical with zero live calls', async () => {
    const store = freshStore();
    const sink = new TraceSink(store);
    await executeWorkflow({ spec: OVER_A_BRANCH, runId: 'original', sink, leafRunner: new CountingLeafRunner({ outputOf }), gateway: new CountingGateway(), environment: systemEnvironment() });
    sink.close();
    const replaySink = new TraceSink(store);
    const leafRunner = new CountingLeafRunner();
    const gateway = new CountingGateway();
    const outcome = await replayRun({ recorded: readRecordedRun(store, 'original'), runId: 'replayed', sink: replaySink, leafRunner, gateway, trustedSpec: true });
    replaySink.close();
    expect(outcome.parity).toEqual({ identical: true });
    expect(leafRunner.calls + gateway.calls).toBe(0);
    store.close();
  });

  it('a run recorded before the change (no patches in run_started: the branch read as null) still replays identical, and resumes with the old behaviour', async () => {
    const store = freshStore();
    // The engine as it was: no container-references; and run_started without the field, as old traces have it.
    const recording = new MemoryEventSink();
    const gateway = new RecordingGateway();
    await executeWorkflow({ spec: OVER_A_BRANCH, runId: 'old', sink: recording, leafRunner: new CountingLeafRunner({ outputOf }), gateway, environment: systemEnvironment(), patches: [] });
    expect(gateway.requests.find((request) => request.nodeId === 'verdict')!.prompt).toContain('### reviewers (succeeded)\n(no output)');
    const asOldTraces = recording.events.map((event): RunEvent => {
      if (event.type !== 'run_started') return event;
      const { patches: _dropped, ...rest } = event;
      return rest;
    });
    store.appendEvents(asOldTraces);

    const replaySink = new TraceSink(store);
    const leafRunner = new CountingLeafRunner();
    const replayGateway = new CountingGateway();
    const outcome = await replayRun({ recorded: readRecordedRun(store, 'old'), runId: 'replayed', sink: replaySink, leafRunner, gateway: replayGateway, trustedSpec: true });
    replaySink.close();
    expect(outcome.divergences).toEqual([]);
    expect(outcome.parity).toEqual({ identical: true });
    expect(leafRunner.calls + replayGateway.calls).toBe(0);

    // Cut the old run before its follow-up leaf finished: resume serves what finished and runs the rest the old way.
    const cut = asOldTraces.findIndex((event) => event.type === 'node_started' && event.nodeId === 'verdict');
    const crashedStore = freshStore();
    crashedStore.appendEvents(asOldTraces.slice(0, cut).map((event) => ({ ...event, runId: 'crashed' })));
    const resumeSink = new TraceSink(crashedStore);
    const resumeGateway = new RecordingGateway();
    const resumed = await resumeRun({ store: crashedStore, recorded: readRecordedRun(crashedStore, 'crashed'), runId: 'resumed', sink: resumeSink, leafRunner: new CountingLeafRunner({ outputOf }), gateway: resumeGateway });
    resumeSink.close();
    expect(resumed.result.status).toBe('succeeded');
    expect(resumeGateway.requests.find((request) => request.nodeId === 'verdict')!.prompt).toContain('### reviewers (succeeded)\n(no output)');
    const started = crashedStore.events('resumed').map((entry) => entry.event).find((event) => event.type === 'run_started');
    expect(started && started.type === 'run_started' && started.patches).toEqual([]);
    store.close();
    crashedStore.close();
  });
});
