import type { EffectResult, LeafRunContext, LeafRunInput, LeafRunner } from '../../engine/index.js';
import { emptyMemoUsage } from '../../ir/index.js';

/** What a scripted leaf does, chosen by its leaf id's prefix. */
const BEHAVIOURS = ['ok', 'hang', 'throw', 'slow', 'model'] as const;
type Behaviour = (typeof BEHAVIOURS)[number];

/**
 * A leaf runner for queue tests, scripted by leaf id: `ok-*` reports activity and spend and
 * succeeds; `slow-*` does the same after 300 ms; `hang-*` runs until aborted and then throws
 * an error carrying a diff (like a cancelled worktree leaf); `throw-*` throws; `model-*` waits
 * 1.5 s on a "model call" (through `awaitModel`, with no activity) and succeeds. It counts runs
 * per job and remembers what it saw, so tests can assert exactly-once and no widening.
 */
export class ScriptedLeafRunner implements LeafRunner {
  readonly runs = new Map<string, number>();
  readonly inputs: LeafRunInput[] = [];
  readonly aborted: string[] = [];
  private readonly startedWaiters = new Map<string, Array<() => void>>();

  async run(input: LeafRunInput, context: LeafRunContext): Promise<EffectResult> {
    const id = input.leaf.id;
    this.runs.set(id, (this.runs.get(id) ?? 0) + 1);
    this.inputs.push(input);
    for (const wake of this.startedWaiters.get(id) ?? []) wake();
    this.startedWaiters.delete(id);
    context.activity(`started ${id}`);
    switch (behaviourOf(id)) {
      case 'ok':
        return this.succeed(input, context);
      case 'slow':
        await sleep(300, context.signal);
        return this.succeed(input, context);
      case 'hang':
        await untilAborted(context.signal);
        this.aborted.push(id);
        throw Object.assign(new Error(`${id} stopped`), { artifacts: [{ kind: 'diff', name: `${id}.diff`, content: `+partial work of ${id}\n` }] });
      case 'throw':
        throw new Error(`${id} broke`);
      case 'model': {
        const call = sleep(1_500, context.signal);
        await (context.awaitModel ? context.awaitModel(call) : call);
        return this.succeed(input, context);
      }
    }
  }

  /** Resolves when the leaf has started (at least once). */
  started(leafId: string): Promise<void> {
    if ((this.runs.get(leafId) ?? 0) > 0) return Promise.resolve();
    return new Promise((resolve) => this.startedWaiters.set(leafId, [...(this.startedWaiters.get(leafId) ?? []), resolve]));
  }

  private succeed(input: LeafRunInput, context: LeafRunContext): EffectResult {
    context.spend({ inputTokens: 10, outputTokens: 5, costMicrousd: 7 });
    return {
      status: 'succeeded',
      output: `ran ${input.leaf.id} with ${JSON.stringify(input.resolvedInputs)}`,
      usage: { input_tokens: 10, output_tokens: 5, cost_microusd: 7 },
      memo_usage: emptyMemoUsage(),
      data: { permissions: input.permissions, budget: input.budget },
    };
  }
}

function behaviourOf(leafId: string): Behaviour {
  const prefix = leafId.split('-')[0] as Behaviour;
  return BEHAVIOURS.includes(prefix) ? prefix : 'ok';
}

function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    }, { once: true });
  });
}
