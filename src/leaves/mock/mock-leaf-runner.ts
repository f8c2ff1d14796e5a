import { emptyMemoUsage, type MemoUsage, type Usage } from '../../ir/index.js';

/** The mock never uses a memo; one shared, frozen record keeps a 100,000-leaf run small. */
const NO_MEMO_USAGE: MemoUsage = Object.freeze(emptyMemoUsage());
import type { EffectResult, EngineEnvironment, LeafRunContext, LeafRunInput, LeafRunner } from '../../engine/index.js';
import { EMPTY_MOCK_FIXTURE, type MockFixture, type MockUsage } from './mock-fixture-schema.js';
import { MockTemplateError } from './mock-output-template.js';
import { MockRuleIndex, type CompiledLeafRule } from './mock-rule-index.js';

const DEFAULT_USAGE: Usage = { input_tokens: 100, output_tokens: 20, cost_microusd: 0 };
/** A rule without activity lines shares this list instead of making an empty one per leaf. */
const NO_ACTIVITY: readonly string[] = Object.freeze([]);
/** Long enough that only a cancel or the watchdog ends a hung leaf. */
const HANG_MS = 1e12;

/**
 * A deterministic, offline leaf runner scripted by a fixture: per leaf id (or prompt regex) it
 * gives output (a template: `{id}`, `{index}`, `{prompt}`), usage, latency (through the injected
 * clock), activity lines, failures, test exit codes, scores and diffs. Without a rule a leaf
 * succeeds with an output derived from its input hash. It counts leaves in flight so tests can
 * assert none is left running.
 */
export class MockLeafRunner implements LeafRunner {
  running = 0;
  maxRunning = 0;
  /** Leaf ids in the order they started. */
  readonly started: string[] = [];
  private readonly attempts = new Map<string, number>();
  private readonly rules: MockRuleIndex;

  constructor(
    private readonly environment: EngineEnvironment,
    private readonly fixture: MockFixture = EMPTY_MOCK_FIXTURE,
  ) {
    this.rules = new MockRuleIndex(fixture.leaves);
  }

  run(input: LeafRunInput, context: LeafRunContext): Promise<EffectResult> {
    const leafId = input.leaf.id;
    const rule = this.rules.size > 0 ? this.rules.find(leafId, input.leaf.prompt) : undefined;
    // Attempts matter only to rules that answer by attempt (exit_codes, failure): a leaf's rule is
    // the same on every attempt, so a plain rule (one per leaf of a fan-out) keeps no map entry.
    let attempt = 1;
    if (rule && (rule.rule.exit_codes || rule.rule.failure)) {
      attempt = (this.attempts.get(leafId) ?? 0) + 1;
      this.attempts.set(leafId, attempt);
    }
    this.started.push(leafId);
    this.running += 1;
    if (this.running > this.maxRunning) this.maxRunning = this.running;
    // One async frame per leaf either way (a promise each on a wide fan-out); each drops the in-flight count when it settles.
    return rule ? this.answerByRule(rule, input, context, attempt) : this.answerUnscripted(input, context);
  }

  private async answerUnscripted(input: LeafRunInput, context: LeafRunContext): Promise<EffectResult> {
    try {
      const latency = this.fixture.defaults?.latency_ms ?? 0;
      if (latency > 0) await this.sleep(latency, context);
      return succeeded(defaultOutput(input.leaf.id, input.inputHash), usageOf(this.fixture.defaults?.usage));
    } finally {
      this.running -= 1;
    }
  }

  private async answerByRule(compiled: CompiledLeafRule, input: LeafRunInput, context: LeafRunContext, attempt: number): Promise<EffectResult> {
    try {
      const { rule } = compiled;
      if (rule.hang) await this.sleep(HANG_MS, context);
      const usage = usageOf(rule.usage ?? this.fixture.defaults?.usage);
      const latency = rule.latency_ms ?? this.fixture.defaults?.latency_ms ?? 0;
      const activity = rule.activity ?? NO_ACTIVITY;
      const chunks = activity.length + 1;
      // Spread the latency and the spending over the activity lines, so budgets can stop the leaf mid-flight.
      for (let chunk = 0; chunk < chunks; chunk += 1) {
        if (latency > 0) await this.sleep(latency / chunks, context);
        const message = activity[chunk];
        if (message !== undefined) context.activity(message);
        context.spend(share(usage, chunk, chunks));
      }
      if (rule.failure && (rule.failure.times === undefined || attempt <= rule.failure.times)) {
        return { status: 'failed', output: null, usage, memo_usage: NO_MEMO_USAGE, error: rule.failure.message, retryable: rule.failure.kind === 'transient' };
      }
      let output: string;
      try {
        output = compiled.output ? compiled.output.render(input.leaf) : defaultOutput(input.leaf.id, input.inputHash);
      } catch (error) {
        if (!(error instanceof MockTemplateError)) throw error;
        return { status: 'failed', output: null, usage, memo_usage: NO_MEMO_USAGE, error: error.message };
      }
      const exitCode = rule.exit_codes ? rule.exit_codes[Math.min(attempt, rule.exit_codes.length) - 1] : rule.exit_code;
      // Built in place: a plain rule (an output, maybe a latency) allocates only the result.
      const result: { -readonly [K in keyof EffectResult]: EffectResult[K] } = succeeded(output, usage);
      if (exitCode !== undefined || rule.score !== undefined) {
        result.data = {
          ...(exitCode !== undefined ? { exit_code: exitCode } : {}),
          ...(rule.score !== undefined ? { score: rule.score } : {}),
        };
      }
      if (rule.diff !== undefined) result.artifacts = [{ kind: 'diff', name: `${input.leaf.id}.diff`, content: rule.diff }];
      return result;
    } finally {
      this.running -= 1;
    }
  }

  /** The engine's cancel-aware wait when it offers one (no AbortSignal per leaf), else a sleep on the signal. */
  private sleep(ms: number, context: LeafRunContext): Promise<void> {
    return context.sleep ? context.sleep(ms) : this.environment.sleep(ms, context.signal);
  }
}

export function defaultOutput(leafId: string, key: string): string {
  return `mock output for ${leafId} (${key.slice(0, 12)})`;
}

function succeeded(output: string, usage: Usage): EffectResult {
  return { status: 'succeeded', output, usage, memo_usage: NO_MEMO_USAGE };
}

function usageOf(usage: MockUsage | undefined): Usage {
  return usage ? { input_tokens: usage.input_tokens, output_tokens: usage.output_tokens, cost_microusd: usage.cost_microusd } : DEFAULT_USAGE;
}

/** The chunk-th of `chunks` equal parts of the usage (the last part takes the remainder). */
function share(usage: Usage, chunk: number, chunks: number): { inputTokens: number; outputTokens: number; costMicrousd: number | null } {
  return {
    inputTokens: part(usage.input_tokens, chunk, chunks),
    outputTokens: part(usage.output_tokens, chunk, chunks),
    costMicrousd: usage.cost_microusd === null ? null : part(usage.cost_microusd, chunk, chunks),
  };
}

function part(total: number, chunk: number, chunks: number): number {
  return chunk === chunks - 1 ? total - Math.floor(total / chunks) * (chunks - 1) : Math.floor(total / chunks);
}
