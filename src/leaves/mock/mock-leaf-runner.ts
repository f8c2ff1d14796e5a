import { emptyMemoUsage, type MemoUsage, type Usage } from '../../ir/index.js';

/** The mock never uses a memo; one shared, frozen record keeps a 100,000-leaf run small. */
const NO_MEMO_USAGE: MemoUsage = Object.freeze(emptyMemoUsage());
import type { EffectResult, EngineEnvironment, LeafRunContext, LeafRunInput, LeafRunner, MaybePromise } from '../../engine/index.js';
import { EMPTY_MOCK_FIXTURE, type MockFixture, type MockUsage } from './mock-fixture-schema.js';
import { MockTemplateError } from './mock-output-template.js';
import { MockRuleIndex, type CompiledLeafRule } from './mock-rule-index.js';

const DEFAULT_USAGE: Usage = { input_tokens: 100, output_tokens: 20, cost_microusd: 0 };
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

  run(input: LeafRunInput, context: LeafRunContext): MaybePromise<EffectResult> {
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
    // A leaf with nothing to wait for (no latency, no hang) answers at once, as an immediate effect
    // does; one that waits runs in one async frame. Each drops the in-flight count when it ends.
    const waits = rule ? rule.rule.hang === true || this.latencyOf(rule) > 0 : this.defaultLatency() > 0;
    if (waits) return rule ? this.answerByRuleLater(rule, input, context, attempt) : this.answerUnscriptedLater(input, context);
    try {
      if (!rule) return this.unscriptedAnswer(input);
      for (let chunk = 0; chunk < chunksOf(rule); chunk += 1) this.reportChunk(rule, context, chunk);
      return this.ruleAnswer(rule, input, attempt);
    } finally {
      this.running -= 1;
    }
  }

  private async answerUnscriptedLater(input: LeafRunInput, context: LeafRunContext): Promise<EffectResult> {
    try {
      await this.sleep(this.defaultLatency(), context);
      return this.unscriptedAnswer(input);
    } finally {
      this.running -= 1;
    }
  }

  private unscriptedAnswer(input: LeafRunInput): EffectResult {
    return succeeded(defaultOutput(input.leaf.id, input.inputHash), usageOf(this.fixture.defaults?.usage));
  }

  private answerByRuleLater(compiled: CompiledLeafRule, input: LeafRunInput, context: LeafRunContext, attempt: number): Promise<EffectResult> {
    if (compiled.rule.hang || chunksOf(compiled) > 1) return this.answerInChunksLater(compiled, input, context, attempt);
    // One wait, then the answer: a continuation on the sleep rather than an async frame, which
    // was the largest allocation of a leaf waiting on a timer (the common fixture: an output and a latency).
    let waited: Promise<void>;
    try {
      waited = this.sleep(this.latencyOf(compiled), context);
    } catch (error) {
      this.running -= 1;
      return Promise.reject(error);
    }
    return waited.then(
      () => {
        try {
          this.reportChunk(compiled, context, 0);
          return this.ruleAnswer(compiled, input, attempt);
        } finally {
          this.running -= 1;
        }
      },
      (error: unknown) => {
        this.running -= 1;
        throw error;
      },
    );
  }

  private async answerInChunksLater(compiled: CompiledLeafRule, input: LeafRunInput, context: LeafRunContext, attempt: number): Promise<EffectResult> {
    try {
      if (compiled.rule.hang) await this.sleep(HANG_MS, context);
      const latency = this.latencyOf(compiled);
      const chunks = chunksOf(compiled);
      // Spread the latency and the spending over the activity lines, so budgets can stop the leaf mid-flight.
      for (let chunk = 0; chunk < chunks; chunk += 1) {
        if (latency > 0) await this.sleep(latency / chunks, context);
        this.reportChunk(compiled, context, chunk);
      }
      return this.ruleAnswer(compiled, input, attempt);
    } finally {
      this.running -= 1;
    }
  }

  /** One activity line (if the rule has one for this chunk) and the chunk's share of the usage. */
  private reportChunk(compiled: CompiledLeafRule, context: LeafRunContext, chunk: number): void {
    const message = compiled.rule.activity?.[chunk];
    if (message !== undefined) context.activity(message);
    context.spend(share(this.usageOf(compiled), chunk, chunksOf(compiled)));
  }

  /** What the rule answers on this attempt: a failure, a template error, or the output with its exit code, score and diff. */
  private ruleAnswer(compiled: CompiledLeafRule, input: LeafRunInput, attempt: number): EffectResult {
    const { rule } = compiled;
    const usage = this.usageOf(compiled);
    if (rule.failure && (rule.failure.times === undefined || attempt <= rule.failure.times)) {
      return { status: 'failed', output: null, usage, memo_usage: NO_MEMO_USAGE, error: rule.failure.message, retryable: rule.failure.kind === 'transient' };
    }
    let output: string;
    try {
      output = compiled.output ? compiled.output.render(input.leaf) : (rule.output ?? defaultOutput(input.leaf.id, input.inputHash));
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
  }

  private usageOf(compiled: CompiledLeafRule): Usage {
    return usageOf(compiled.rule.usage ?? this.fixture.defaults?.usage);
  }

  private latencyOf(compiled: CompiledLeafRule): number {
    return compiled.rule.latency_ms ?? this.defaultLatency();
  }

  private defaultLatency(): number {
    return this.fixture.defaults?.latency_ms ?? 0;
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

/** A rule's usage and latency come in one part per activity line, plus one. */
function chunksOf(compiled: CompiledLeafRule): number {
  return (compiled.rule.activity?.length ?? 0) + 1;
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
