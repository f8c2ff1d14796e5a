import { describe, expect, it } from 'vitest';
import { toRecordedResult, type RunEvent } from '../engine/index.js';
import type { WorkflowSpecInput } from '../ir/index.js';
import { TraceSink, type TraceStore } from '../trace/index.js';
import { readRecordedRun, recordedRunFromEvents, type RecordedRun } from './recorded-run.js';
import { replayRun, type ReplayOutcome } from './replay-run.js';
import { freshStore, spec } from './testing/hand-built-specs.js';
import { CANCEL_FIXTURE as FIXTURE, CANCELLED_FAN as FAN, leaf, recordCancelledRun } from './testing/record-cancelled-run.js';

async function replay(store: TraceStore, recorded: RecordedRun = readRecordedRun(store, 'original')): Promise<ReplayOutcome> {
  const sink = new TraceSink(store);
  const outcome = await replayRun({ recorded, runId: `replayed-${Math.random()}`, sink, trustedSpec: true });
  sink.close();
  return outcome;
}

function statusesOf(events: readonly RunEvent[]): Record<string, string> {
  const statuses: Record<string, string> = {};
  for (const event of events) if (event.type === 'node_finished') statuses[event.nodeId] = event.status;
  return statuses;
}

async function expectIdenticalReplay(store: TraceStore) {
  const live = readRecordedRun(store, 'original');
  const outcome = await replay(store);
  expect(outcome.divergences).toEqual([]);
  expect(outcome.parity).toEqual({ identical: true });
  expect(outcome.liveCalls).toEqual({ leafRuns: 0, gatewayCalls: 0 });
  expect(toRecordedResult({ ...outcome.result, run_id: 'original' })).toEqual(live.result);
  const replayEvents = store.events(outcome.runId).map((entry) => entry.event);
  expect(statusesOf(replayEvents)).toEqual(statusesOf(store.events('original').map((entry) => entry.event)));
  return { outcome, replayEvents };
}

describe('replaying a cancelled run applies its recorded cancels', () => {
  it('a run cancelled as a whole mid-leaf replays identical, the cut-off leaves keep their partial usage', async () => {
    const store = freshStore();
    const live = await recordCancelledRun(store, FAN, [[2500, null]]);
    expect(live.status).toBe('cancelled');
    const slow = live.results[0]!.children!.find((child) => child.id === 'slow')!;
    expect(slow.status).toBe('cancelled');
    expect(slow.usage.input_tokens).toBeGreaterThan(0);
    const { outcome, replayEvents } = await expectIdenticalReplay(store);
    expect(outcome.result.status).toBe('cancelled');
    // The replay's own record carries the cancel it applied, so a replay of it replays too.
    expect(replayEvents.filter((event) => event.type === 'cancel_requested')).toEqual([expect.objectContaining({ nodeId: null, reason: { type: 'user', message: 'stop run' } })]);
    store.close();
  });

  it('a run with one cancelled leaf replays identical; the rest ran on in the recording and in the replay', async () => {
    const store = freshStore();
    const live = await recordCancelledRun(store, FAN, [[2500, 'slow']]);
    expect(statusesOf(store.events('original').map((entry) => entry.event))).toMatchObject({ quick: 'succeeded', slow: 'cancelled', slower: 'succeeded', merge: 'failed', after: 'succeeded' });
    expect(live.status).toBe('cancelled');
    await expectIdenticalReplay(store);
    store.close();
  });

  it('a cancelled branch and a loop stopped mid-iteration replay identical', async () => {
    const store = freshStore();
    const workflow = spec({
      id: 'mixed',
      goal: 'g',
      nodes: [
        {
          kind: 'branch_set',
          spec: {
            id: 'top',
            parallel: true,
            children: [
              { kind: 'loop_until', spec: { id: 'polish', condition: 'good?', max_iterations: 4, children: [leaf('draft'), leaf('slow')] } },
              { kind: 'branch_set', spec: { id: 'side', parallel: true, children: [leaf('s1'), leaf('slower')] } },
              leaf('free'),
            ],
          },
        },
      ],
    } as WorkflowSpecInput);
    await recordCancelledRun(store, workflow, [[3000, 'side'], [7500, 'polish']], `${FIXTURE}judge:\n  - match: {node: polish}\n    answers: [false, false, false, true]\n`);
    expect(statusesOf(store.events('original').map((entry) => entry.event))).toMatchObject({ polish: 'cancelled', side: 'cancelled', s1: 'succeeded', slower: 'cancelled', free: 'succeeded' });
    await expectIdenticalReplay(store);
    store.close();
  });

  it('a tournament whose loser was cancelled mid-flight replays identical, the loser stopped by the recorded decision', async () => {
    const store = freshStore();
    const workflow = spec({
      id: 'race',
      goal: 'g',
      nodes: [
        {
          kind: 'branch_set',
          spec: {
            id: 'rivals',
            parallel: true,
            children: [leaf('quick', { command: 'true' }), leaf('slow', { command: 'true' }), { kind: 'tournament', spec: { id: 'pick', candidates: ['quick', 'slow'], by: 'tests' } }],
          },
        },
      ],
    } as WorkflowSpecInput);
    const live = await recordCancelledRun(store, workflow, []);
    const recordedEvents = store.events('original').map((entry) => entry.event);
    expect(recordedEvents.filter((event) => event.type === 'cancel_requested')).toEqual([expect.objectContaining({ nodeId: 'slow', reason: { type: 'tournament_loser', tournamentId: 'pick' } })]);
    expect(live.status).toBe('succeeded');
    const { replayEvents } = await expectIdenticalReplay(store);
    // The replaying tournament cancelled its loser itself (once), after serving the recorded selection.
    expect(replayEvents.filter((event) => event.type === 'cancel_requested')).toEqual([expect.objectContaining({ nodeId: 'slow', reason: { type: 'tournament_loser', tournamentId: 'pick' } })]);
    store.close();
  });

  it('a missing completion with no recorded cancel is still a precise determinism violation', async () => {
    const store = freshStore();
    await recordCancelledRun(store, FAN, [[2500, 'slow']]);
    const recorded = readRecordedRun(store, 'original');
    // Tampered: the cancel that explains the missing completion is gone.
    const tampered = recordedRunFromEvents('original', recorded.events.filter((event) => event.type !== 'cancel_requested'));
    const key = recorded.events.find((event) => event.type === 'effect_requested' && event.scope.nodeId === 'slow')!;
    const outcome = await replay(store, tampered);
    const message = `determinism violation at node "slow" (iteration 0), leaf effect #0: the replay asked for key ${(key as { key: string }).key}, which the trace does not have (--allow-live runs it)`;
    expect(outcome.divergences).toEqual([message]);
    expect(outcome.parity).toEqual({ identical: false, divergedAt: 'slow', detail: message });
    store.close();
  });

  it('a completion removed from an uncancelled run is still a precise determinism violation', async () => {
    const store = freshStore();
    await recordCancelledRun(store, FAN, []);
    const recorded = readRecordedRun(store, 'original');
    const removed = recorded.events.find((event) => event.type === 'effect_completed' && event.scope.nodeId === 'slower')!;
    const tampered = recordedRunFromEvents('original', recorded.events.filter((event) => event !== removed));
    const outcome = await replay(store, tampered);
    const message = `determinism violation at node "slower" (iteration 0), leaf effect #0: the replay asked for key ${(removed as { key: string }).key}, which the trace does not have (--allow-live runs it)`;
    // Then the reduce that read it is never asked for: reported too, after the first cause.
    expect(outcome.divergences[0]).toBe(message);
    expect(outcome.parity).toEqual({ identical: false, divergedAt: 'slower', detail: message });
    expect(outcome.result.status).toBe('replay_diverged');
    store.close();
  });
});
