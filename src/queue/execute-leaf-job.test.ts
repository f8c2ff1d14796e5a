import { describe, expect, it } from 'vitest';
import type { EffectResult, LeafRunContext, LeafRunInput, LeafRunner } from '../engine/index.js';
import { emptyMemoUsage } from '../ir/index.js';
import { SecretRedactor } from '../util/index.js';
import { executeLeafJob } from './execute-leaf-job.js';
import { RecordingListener, testLeafJob } from './testing/index.js';
import { DEFAULT_WORKER_CEILING } from './worker-ceiling.js';

/** The worker's own key, which the coordinator that records the result never sees. */
const WORKER_KEY = 'worker-only-key-"quoted"-0042';

/** A leaf whose model echoed the worker's key in its activity, its output and its error. */
class EchoingRunner implements LeafRunner {
  async run(_input: LeafRunInput, context: LeafRunContext): Promise<EffectResult> {
    context.activity(`calling the model with ${WORKER_KEY}`);
    return { status: 'failed', output: `the key is ${WORKER_KEY}`, error: `401: bad key ${WORKER_KEY}`, usage: { input_tokens: 1, output_tokens: 1, cost_microusd: 0 }, memo_usage: emptyMemoUsage() };
  }
}

describe('executeLeafJob on a worker', () => {
  it('removes the worker’s own secrets from everything the job sends back (activity, output, error)', async () => {
    const listener = new RecordingListener();
    const outcome = await executeLeafJob(
      testLeafJob('ok-echo'),
      { runner: new EchoingRunner(), ceiling: DEFAULT_WORKER_CEILING, worker: { workerId: 'w1-1', host: 'w1', pid: 1 }, now: () => 1_000, redactor: new SecretRedactor({ WORKER_API_KEY: WORKER_KEY }) },
      listener,
      new AbortController().signal,
    );
    const sent = JSON.stringify({ outcome, activities: listener.activities });
    expect(sent).not.toContain('worker-only-key');
    expect(outcome.type === 'completed' && outcome.result.output).toBe('the key is [REDACTED]');
    expect(outcome.type === 'completed' && outcome.result.error).toBe('401: bad key [REDACTED]');
    expect(listener.activities).toContain('calling the model with [REDACTED]');
  });
});
