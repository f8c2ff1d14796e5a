import { describe, expect, it } from 'vitest';
import { emptyMemoUsage } from '../../ir/index.js';
import { callLeafModel } from '../../leaves/leaf-model.js';
import type { ModelClient, ModelRequest, ModelResponse } from '../../providers/index.js';
import type { EffectResult, LeafRunContext, LeafRunInput, LeafRunner } from '../contracts/index.js';
import { executeWorkflow } from '../execute-workflow.js';
import { MemoryEventSink } from '../memory-event-sink.js';
import { VirtualEnvironment } from '../testing/virtual-environment.js';
import { findResult, leaf, spec } from './harness.js';

const IDLE_MS = 5_000;
/** A provider that answers after 20 s (virtual): well within a 600 s provider timeout, four times the idle limit. */
const ANSWER_AFTER_MS = 20_000;

class SlowModel implements ModelClient {
  constructor(private readonly environment: VirtualEnvironment) {}
  async generate(_request: ModelRequest, options: { signal?: AbortSignal } = {}): Promise<ModelResponse> {
    await this.environment.sleep(ANSWER_AFTER_MS, options.signal);
    return { text: 'done', toolCalls: [], finishReason: 'stop', usage: { inputTokens: 1, outputTokens: 1, cacheHitInputTokens: 0, cacheMissInputTokens: 1 } };
  }
  // eslint-disable-next-line require-yield
  async *stream(): AsyncGenerator<never> {
    throw new Error('not used');
  }
}

/** A leaf that makes one model call, through the leaves' own call path or (`bare`) around it. */
class OneCallRunner implements LeafRunner {
  constructor(
    private readonly model: SlowModel,
    private readonly bare: boolean,
  ) {}
  async run(input: LeafRunInput, context: LeafRunContext): Promise<EffectResult> {
    const request: ModelRequest = { route: { provider: 'p', model: 'm' }, messages: [{ role: 'user', content: 'hi' }] };
    const text = this.bare
      ? (await this.model.generate(request, { signal: context.signal })).text
      : (await callLeafModel(this.model, request, { route: request.route }, input, context)).response.text;
    return { status: 'succeeded', output: text, usage: { input_tokens: 1, output_tokens: 1, cost_microusd: null }, memo_usage: emptyMemoUsage() };
  }
}

async function runOneLeaf(bare: boolean) {
  const environment = new VirtualEnvironment();
  const running = executeWorkflow({
    spec: spec({ goal: 'g', nodes: [leaf('asks')] }),
    runId: 'run-1',
    sink: new MemoryEventSink(),
    leafRunner: new OneCallRunner(new SlowModel(environment), bare),
    gateway: { complete: () => Promise.reject(new Error('unused')) },
    environment,
    validation: { maxAgents: 10, maxDepth: 10 },
    limits: { leafIdleTimeoutMs: IDLE_MS },
  });
  return findResult((await environment.drive(running)).results, 'asks');
}

describe('the no-progress watchdog and model calls', () => {
  it('never stops a leaf while its model call is in flight (the provider timeout bounds that wait)', async () => {
    const result = await runOneLeaf(false);
    expect(result.status).toBe('succeeded');
    expect(result.output).toBe('done');
  });

  it('still stops a leaf that is silent outside a model call (the control: same wait, not reported)', async () => {
    const result = await runOneLeaf(true);
    expect(result.status).toBe('failed');
    expect(result.details?.cancel_reason).toMatchObject({ type: 'no_progress', nodeId: 'asks' });
  });
});
