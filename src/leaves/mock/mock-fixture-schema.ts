import { z } from 'zod';
import { mockScriptSchemas } from '../../providers/index.js';
import { lazySchema, once } from '../../util/lazy-schema.js';

/** Built on first use (util/lazy-schema.ts): a generated per-leaf fixture is read by hand (read-common-fixture.ts). */
const mockFixtureSchemas = once(() => {
  const { mockScriptSchema, regexSourceSchema } = mockScriptSchemas();
  const usageSchema = z
    .object({
      input_tokens: z.number().int().nonnegative().default(0),
      output_tokens: z.number().int().nonnegative().default(0),
      cost_microusd: z.number().int().nonnegative().nullable().default(0),
    })
    .strict();

  const failureSchema = z
    .object({
      /** transient failures are retryable (a provider 429/5xx); terminal ones are not. */
      kind: z.enum(['transient', 'terminal']).default('terminal'),
      message: z.string().default('mock failure'),
      /** Fail only the first N attempts (transient failures then succeed). Unset: every attempt. */
      times: z.number().int().positive().optional(),
    })
    .strict();

  const leafMatchSchema = z
    .object({ id: z.string().optional(), prompt: regexSourceSchema.optional() })
    .strict()
    .refine((match) => match.id !== undefined || match.prompt !== undefined, 'a match needs an "id" or a "prompt" regex');

  const leafRuleSchema = z
    .object({
      match: leafMatchSchema,
      output: z.string().optional(),
      usage: usageSchema.optional(),
      latency_ms: z.number().nonnegative().optional(),
      failure: failureSchema.optional(),
      /** Tool-call activity lines, reported one by one across the latency (the leaf's heartbeat). */
      activity: z.array(z.string()).optional(),
      /** A test leaf's exit code; `exit_codes` gives one per run (loop iterations), the last repeating. */
      exit_code: z.number().int().optional(),
      exit_codes: z.array(z.number().int()).min(1).optional(),
      score: z.number().optional(),
      /** A diff artifact (the fruit a tournament keeps for the teacher). */
      diff: z.string().optional(),
      /** Never finishes and reports nothing: exercises the no-progress watchdog. */
      hang: z.boolean().optional(),
    })
    .strict();

  const nodeMatchSchema = z.object({ node: z.string() }).strict();

  /** Judge answers for a loop/cond (per call: one per iteration, the last repeating). */
  const judgeRuleSchema = z
    .object({
      match: nodeMatchSchema,
      answer: z.boolean().optional(),
      answers: z.array(z.boolean()).min(1).optional(),
      reason: z.string().optional(),
      /** A tournament judge's pick. */
      winner: z.string().optional(),
      /** A raw reply, e.g. malformed JSON, to exercise error paths. */
      raw: z.string().optional(),
      latency_ms: z.number().nonnegative().optional(),
      usage: usageSchema.optional(),
    })
    .strict();

  /** Planner replies for an expand node: one per attempt (the first, then the repair). */
  const expandRuleSchema = z
    .object({
      match: nodeMatchSchema,
      replies: z.array(z.union([z.string(), z.array(z.unknown()), z.record(z.string(), z.unknown())])).min(1),
      usage: usageSchema.optional(),
    })
    .strict();

  const reduceRuleSchema = z
    .object({ match: nodeMatchSchema, output: z.string().optional(), usage: usageSchema.optional(), latency_ms: z.number().nonnegative().optional(), failure: failureSchema.optional() })
    .strict();

  const mockFixtureSchema = z
    .object({
      defaults: z
        .object({ latency_ms: z.number().nonnegative().optional(), usage: usageSchema.optional(), judge_answer: z.boolean().optional() })
        .strict()
        .optional(),
      leaves: z.array(leafRuleSchema).default(() => []),
      judge: z.array(judgeRuleSchema).default(() => []),
      expand: z.array(expandRuleSchema).default(() => []),
      reduce: z.array(reduceRuleSchema).default(() => []),
      /** Prices the pre-flight estimate uses for this mock (USD per million tokens); unset: free. */
      pricing: z
        .object({ input_usd_per_million: z.number().nonnegative(), output_usd_per_million: z.number().nonnegative() })
        .strict()
        .optional(),
      /**
       * The MockModelClient's script under `--provider mock-model`: the real leaves (tool loop,
       * commands, worktrees) run against these scripted model replies. Ignored by the pure mock.
       */
      model: mockScriptSchema.optional(),
    })
    .strict();
  return { usageSchema, leafRuleSchema, mockFixtureSchema };
});

/** How one leaf (or several, by prompt regex) behaves. */
export const leafRuleSchema = lazySchema(() => mockFixtureSchemas().leafRuleSchema);

export const mockFixtureSchema = lazySchema(() => mockFixtureSchemas().mockFixtureSchema);

export type MockFixture = z.infer<typeof mockFixtureSchema>;
export type MockLeafRule = MockFixture['leaves'][number];
export type MockJudgeRule = MockFixture['judge'][number];
export type MockExpandRule = MockFixture['expand'][number];
export type MockReduceRule = MockFixture['reduce'][number];
export type MockUsage = z.infer<ReturnType<typeof mockFixtureSchemas>['usageSchema']>;

export const EMPTY_MOCK_FIXTURE: MockFixture = { leaves: [], judge: [], expand: [], reduce: [] };
