import { afterEach, describe, expect, it } from 'vitest';
import type { LeafPlacement } from '../../engine/index.js';
import type { LeafJobListener, LeafJobOutcome, ModelWaitState, SpendReport } from '../leaf-job-outcome.js';
import type { LeafQueue } from '../leaf-queue.js';
import type { WorkerCeiling } from '../worker-ceiling.js';
import { testLeafJob as makeTestLeafJob, type TestJobOptions } from './leaf-jobs.js';
import { ScriptedLeafRunner } from './scripted-leaf-runner.js';

export interface OpenedLeafQueue {
  readonly queue: LeafQueue;
  /** The run context id jobs must name (the BullMQ queue stores its run's settings under it). */
  readonly runContext: string;
  close(): Promise<void>;
}

export interface LeafQueueHarness {
  /** A queue whose worker(s) run every job with `runner`, under `ceiling` (default: the default ceiling). */
  open(options: { readonly runner: ScriptedLeafRunner; readonly ceiling?: WorkerCeiling }): Promise<OpenedLeafQueue>;
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 20));
}

/** Collects what a job reports while it runs. */
export class RecordingListener implements LeafJobListener {
  readonly placements: LeafPlacement[] = [];
  readonly activities: string[] = [];
  readonly spends: SpendReport[] = [];
  readonly modelWaits: ModelWaitState[] = [];
  placed(worker: LeafPlacement): void {
    this.placements.push(worker);
  }
  activity(message: string): void {
    this.activities.push(message);
  }
  spend(usage: SpendReport): void {
    this.spends.push(usage);
  }
  modelWait(state: ModelWaitState): void {
    this.modelWaits.push(state);
  }
}

/**
 * The behaviour every LeafQueue must have; run once per implementation. `skip` carries the
 * reason an implementation cannot run here (no redis-server), printed by vitest.
 */
export function describeLeafQueueConformance(name: string, harness: LeafQueueHarness, skip?: string): void {
  describe.skipIf(skip !== undefined)(`LeafQueue conformance: ${name}${skip ? ` (skipped: ${skip})` : ''}`, () => {
    const opened: OpenedLeafQueue[] = [];
    let runContext = 'context-1';
    const open = async (options: { runner: ScriptedLeafRunner; ceiling?: WorkerCeiling }): Promise<LeafQueue> => {
      const queue = await harness.open(options);
      opened.push(queue);
      runContext = queue.runContext;
      return queue.queue;
    };
    const testLeafJob = (leafId: string, options: TestJobOptions = {}) => makeTestLeafJob(leafId, { runContext, ...options });
    afterEach(async () => {
      for (const queue of opened.splice(0)) await queue.close();
    });
    const never = (): AbortSignal => new AbortController().signal;

    it('runs a job and brings back its result, placement, activity and spend', async () => {
      const runner = new ScriptedLeafRunner();
      const queue = await open({ runner });
      const listener = new RecordingListener();
      const outcome = await queue.submit(testLeafJob('ok-one', { resolvedInputs: {} }), listener, never());
      expect(outcome.type).toBe('completed');
      const completed = outcome as Extract<LeafJobOutcome, { type: 'completed' }>;
      expect(completed.result).toMatchObject({ status: 'succeeded', output: 'ran ok-one with {}', usage: { input_tokens: 10, output_tokens: 5, cost_microusd: 7 } });
      expect(completed.worker.pid).toBeGreaterThan(0);
      expect(listener.placements.map((placement) => placement.workerId)).toContain(completed.worker.workerId);
      expect(listener.activities).toContain('started ok-one');
      expect(listener.spends).toEqual([{ inputTokens: 10, outputTokens: 5, costMicrousd: 7 }]);
      expect(runner.runs.get('ok-one')).toBe(1);
    });

    it('hands the runner exactly the permissions and budget the job carries, never wider', async () => {
      const runner = new ScriptedLeafRunner();
      const queue = await open({ runner });
      const job = testLeafJob('ok-narrow', { permissions: { allowWrite: true, isolation: 'worktree', fileScope: ['src/**'] }, timeoutMs: 5_000 });
      await queue.submit(job, new RecordingListener(), never());
      const seen = runner.inputs.find((input) => input.leaf.id === 'ok-narrow');
      expect(seen?.permissions).toEqual(job.permissions);
      expect(seen?.budget.tokens).toBe(1000);
      expect(seen?.budget.deadline).toBeGreaterThan(Date.now() - 60_000);
      expect(seen?.inputHash).toBe(job.inputHash);
    });

    it('runs a job submitted twice once: the second submission attaches to the first (idempotent by job id)', async () => {
      const runner = new ScriptedLeafRunner();
      const queue = await open({ runner });
      const job = testLeafJob('slow-twice');
      const [first, second] = await Promise.all([queue.submit(job, new RecordingListener(), never()), queue.submit(job, new RecordingListener(), never())]);
      const third = await queue.submit(job, new RecordingListener(), never());
      expect(runner.runs.get('slow-twice')).toBe(1);
      for (const outcome of [first, second, third]) expect(outcome).toMatchObject({ type: 'completed', result: { status: 'succeeded' } });
      expect(queue.stats().reattached).toBe(2);
      expect(queue.stats().submitted).toBe(1);
    });

    it('keeps effects apart: the same leaf at another ordinal is another job', async () => {
      const runner = new ScriptedLeafRunner();
      const queue = await open({ runner });
      await queue.submit(testLeafJob('ok-again', { ordinal: 0 }), new RecordingListener(), never());
      await queue.submit(testLeafJob('ok-again', { ordinal: 1 }), new RecordingListener(), never());
      expect(runner.runs.get('ok-again')).toBe(2);
    });

    it('relays that the leaf waits on a model call, so the coordinator knows it is not idle', async () => {
      const queue = await open({ runner: new ScriptedLeafRunner() });
      const listener = new RecordingListener();
      const outcome = await queue.submit(testLeafJob('model-wait'), listener, never());
      expect(outcome).toMatchObject({ type: 'completed', result: { status: 'succeeded' } });
      // Progress travels apart from the outcome: the settle may still be on its way.
      await until(() => listener.modelWaits.length === 2);
      expect(listener.modelWaits).toEqual(['started', 'settled']);
    });

    it('refuses a job beyond the worker ceiling with a failed result naming the worker, without running it', async () => {
      const runner = new ScriptedLeafRunner();
      const queue = await open({ runner, ceiling: { write: 'none', network: false, commands: false } });
      const writer = await queue.submit(testLeafJob('ok-writer', { permissions: { allowWrite: true, isolation: 'worktree' } }), new RecordingListener(), never());
      const networked = await queue.submit(testLeafJob('ok-net', { permissions: { allowNetwork: true } }), new RecordingListener(), never());
      const command = await queue.submit(testLeafJob('ok-cmd', { command: 'npm test', permissions: { allowedCommands: ['npm test'] } }), new RecordingListener(), never());
      expect(writer).toMatchObject({ type: 'completed', result: { status: 'failed', error: expect.stringMatching(/refuses leaf ok-writer: it writes files and this worker is read-only/) } });
      expect(networked).toMatchObject({ type: 'completed', result: { status: 'failed', error: expect.stringMatching(/network/) } });
      expect(command).toMatchObject({ type: 'completed', result: { status: 'failed', error: expect.stringMatching(/runs commands/) } });
      expect(runner.runs.size).toBe(0);
    });

    it('refuses a job whose input hash does not match its leaf', async () => {
      const runner = new ScriptedLeafRunner();
      const queue = await open({ runner });
      const job = { ...testLeafJob('ok-forged'), leaf: { ...testLeafJob('ok-forged').leaf, prompt: 'something else' } };
      const outcome = await queue.submit(job, new RecordingListener(), never());
      expect(outcome).toMatchObject({ type: 'completed', result: { status: 'failed', error: expect.stringMatching(/input hash does not match/) } });
      expect(runner.runs.size).toBe(0);
    });

    it('reports a runner that throws as `threw`, like an in-process leaf that throws', async () => {
      const queue = await open({ runner: new ScriptedLeafRunner() });
      const outcome = await queue.submit(testLeafJob('throw-it'), new RecordingListener(), never());
      expect(outcome).toMatchObject({ type: 'threw', message: 'throw-it broke' });
    });

    it('stops a running leaf on cancel and brings back what it made', async () => {
      const runner = new ScriptedLeafRunner();
      const queue = await open({ runner });
      const controller = new AbortController();
      const pending = queue.submit(testLeafJob('hang-forever'), new RecordingListener(), controller.signal);
      await runner.started('hang-forever');
      controller.abort({ type: 'user', message: 'stop it' });
      const outcome = await pending;
      expect(outcome).toMatchObject({ type: 'stopped', artifacts: [{ kind: 'diff', content: '+partial work of hang-forever\n' }] });
      expect(runner.aborted).toEqual(['hang-forever']);
    });

    it('runs many jobs at once and returns each its own outcome', async () => {
      const runner = new ScriptedLeafRunner();
      const queue = await open({ runner });
      const ids = Array.from({ length: 40 }, (_, index) => `ok-many-${index}`);
      const outcomes = await Promise.all(ids.map((id) => queue.submit(testLeafJob(id), new RecordingListener(), never())));
      expect(outcomes.map((outcome) => (outcome.type === 'completed' ? outcome.result.output : outcome.type))).toEqual(ids.map((id) => `ran ${id} with {}`));
      expect([...runner.runs.values()].every((count) => count === 1)).toBe(true);
    });
  });
}
