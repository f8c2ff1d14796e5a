// A cancelled leaf's runner gets a bounded grace period to stop (kill its command, keep its
// diff, remove its worktree) before the engine stops waiting: nothing runs on detached unless
// it ignores its signal for longer than the grace period.
import { describe, expect, it } from 'vitest';
import { emptyMemoUsage, emptyUsage } from '../../ir/index.js';
import { MockModelGateway } from '../../leaves/mock/index.js';
import type { EffectResult, LeafRunContext, LeafRunInput, LeafRunner } from '../contracts/index.js';
import { executeWorkflow } from '../execute-workflow.js';
import { MemoryEventSink } from '../memory-event-sink.js';
import { RunController } from '../run-controller.js';
import { VirtualEnvironment } from '../testing/virtual-environment.js';
import { leaf, spec } from './harness.js';

/** What a real runner throws when stopped after saving its work (see src/leaves LeafStoppedError). */
class StoppedWithDiff extends Error {
  readonly artifacts = [{ kind: 'diff' as const, name: 'slow.diff', content: '--- a/x\n+++ b/x\n' }];
}

/** A runner that takes `cleanupMs` of virtual time to stop once told to, or never stops. */
class SlowToStopRunner implements LeafRunner {
  stoppedAt: number | undefined;
  constructor(
    private readonly environment: VirtualEnvironment,
    private readonly cleanupMs: number | 'never',
    private readonly keepsDiff = false,
  ) {}

  async run(_input: LeafRunInput, context: LeafRunContext): Promise<EffectResult> {
    await new Promise<void>((resolve) => context.signal.addEventListener('abort', () => resolve(), { once: true }));
    if (this.cleanupMs === 'never') await new Promise(() => undefined);
    await this.environment.sleep(this.cleanupMs as number);
    this.stoppedAt = this.environment.now();
    if (this.keepsDiff) throw new StoppedWithDiff('stopped; diff saved');
    return { status: 'failed', output: null, usage: emptyUsage(), memo_usage: emptyMemoUsage(), error: 'stopped' };
  }
}

async function cancelAfter(cleanupMs: number | 'never', graceMs: number, keepsDiff = false) {
  const environment = new VirtualEnvironment();
  const runner = new SlowToStopRunner(environment, cleanupMs, keepsDiff);
  const start = environment.now();
  const controller = new RunController();
  const sink = new MemoryEventSink();
  const running = executeWorkflow({
    spec: spec({ goal: 'g', nodes: [leaf('slow')] }),
    runId: 'run-1',
    sink,
    leafRunner: runner,
    gateway: new MockModelGateway(environment),
    environment,
    controller,
    limits: { leafStopGraceMs: graceMs, leafIdleTimeoutMs: 0 },
  });
  void environment.sleep(100).then(() => controller.cancel('slow'));
  const result = await environment.drive(running);
  return { result, sink, stoppedAfter: runner.stoppedAt === undefined ? undefined : runner.stoppedAt - start, finishedAfter: sink.ofType('run_finished')[0]!.at - start };
}

describe('stopping a cancelled leaf', () => {
  it('waits for a runner that stops within the grace period, so the run ends after its cleanup', async () => {
    const { result, stoppedAfter, finishedAfter } = await cancelAfter(2_000, 10_000);
    expect(result.results[0]!.status).toBe('cancelled');
    expect(stoppedAfter).toBe(2_100);
    expect(finishedAfter).toBeGreaterThanOrEqual(2_100);
  });

  it('stops waiting for a runner that ignores its signal once the grace period is over', async () => {
    const { result, stoppedAfter, finishedAfter } = await cancelAfter('never', 5_000);
    expect(result.results[0]!.status).toBe('cancelled');
    expect(stoppedAfter).toBeUndefined();
    expect(finishedAfter).toBe(5_100);
  });

  it('records what a stopped runner made as a leaf_stopped event, outside the leaf\'s result', async () => {
    const { result, sink } = await cancelAfter(1_000, 10_000, true);
    const stopped = sink.ofType('leaf_stopped');
    expect(stopped).toHaveLength(1);
    expect(stopped[0]).toMatchObject({ nodeId: 'slow', iteration: 0, message: 'stopped; diff saved' });
    expect(stopped[0]!.artifacts.map((artifact) => artifact.kind)).toEqual(['diff']);
    // The result is the cancel alone, as a replay (which runs no leaf) will produce it.
    expect(result.results[0]!.status).toBe('cancelled');
    expect(result.results[0]!.details?.artifacts).toBeUndefined();
  });
});
