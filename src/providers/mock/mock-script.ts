import { z } from 'zod';
import { lazySchema, once } from '../../util/lazy-schema.js';

/**
 * The YAML/JSON shape of a mock script (snake_case like every file WhaleFlow reads). Exported so
 * fixture files elsewhere (the engine's mock leaf runner) validate rules with the same schema.
 * Built on first use (util/lazy-schema.ts); a schema built from these takes them from the group.
 */
export const mockScriptSchemas = once(() => {
  const mockFailureSchema = z
    .object({
      kind: z.enum(['rate_limit', 'server', 'connection', 'timeout', 'authentication', 'bad_request', 'malformed']),
      message: z.string().optional(),
      retry_after_ms: z.number().int().nonnegative().optional(),
      /** Fail this many matching calls, then answer normally; absent means always fail. */
      times: z.number().int().positive().optional(),
    })
    .strict();

  const mockToolCallSchema = z
    .object({
      id: z.string().optional(),
      name: z.string().min(1),
      arguments: z.record(z.string(), z.unknown()).default({}),
    })
    .strict();

  /**
   * A regular expression in a script or fixture, compiled once at load: a pattern JavaScript
   * rejects is a positioned load error, not a crash at the first call that tries it.
   */
  const regexSourceSchema = z.string().superRefine((source, context) => {
    try {
      new RegExp(source);
    } catch (error) {
      context.addIssue({ code: 'custom', message: error instanceof Error ? error.message : `invalid regular expression: ${String(error)}` });
    }
  });

  const mockMatchSchema = z
    .object({
      /** Regular expression tested against the system prompt and every message. */
      prompt: regexSourceSchema.optional(),
      /** Matches a `leaf:<id>` scope label of the call, or the marker `[leaf:<id>]` in the prompt. */
      leaf: z.string().optional(),
      /** true: the request offers tools; false: it offers none. */
      tools: z.boolean().optional(),
      /** Number of assistant turns already in the conversation (0 on the first call). */
      turn: z.number().int().nonnegative().optional(),
      model: z.string().optional(),
    })
    .strict();

  const mockUsageSchema = z
    .object({
      input_tokens: z.number().int().nonnegative().optional(),
      output_tokens: z.number().int().nonnegative().optional(),
      cache_hit_input_tokens: z.number().int().nonnegative().optional(),
    })
    .strict();

  const mockRuleSchema = z
    .object({
      match: mockMatchSchema.default({}),
      text: z.string().optional(),
      tool_calls: z.array(mockToolCallSchema).optional(),
      finish_reason: z.enum(['stop', 'length', 'tool_calls', 'content_filter', 'error']).optional(),
      usage: mockUsageSchema.optional(),
      latency_ms: z.number().nonnegative().optional(),
      fail: mockFailureSchema.optional(),
    })
    .strict();

  const mockScriptSchema = z
    .object({
      rules: z.array(mockRuleSchema).default([]),
      /** Latency of calls no rule matches. */
      default_latency_ms: z.number().nonnegative().optional(),
    })
    .strict();
  return { mockFailureSchema, mockToolCallSchema, regexSourceSchema, mockMatchSchema, mockUsageSchema, mockRuleSchema, mockScriptSchema };
});

export const mockFailureSchema = lazySchema(() => mockScriptSchemas().mockFailureSchema);
export const mockToolCallSchema = lazySchema(() => mockScriptSchemas().mockToolCallSchema);
export const regexSourceSchema = lazySchema(() => mockScriptSchemas().regexSourceSchema);
export const mockMatchSchema = lazySchema(() => mockScriptSchemas().mockMatchSchema);
export const mockUsageSchema = lazySchema(() => mockScriptSchemas().mockUsageSchema);
export const mockRuleSchema = lazySchema(() => mockScriptSchemas().mockRuleSchema);
export const mockScriptSchema = lazySchema(() => mockScriptSchemas().mockScriptSchema);

export type MockFailure = z.infer<typeof mockFailureSchema>;
export type MockRule = z.infer<typeof mockRuleSchema>;
export type MockScript = z.infer<typeof mockScriptSchema>;
/** What a fixture file may contain before defaults are filled in. */
export type MockScriptInput = z.input<typeof mockScriptSchema>;

/** The marker a prompt can carry so a `match.leaf` rule finds it without a scope label. */
export function leafMarker(leafId: string): string {
  return `[leaf:${leafId}]`;
}
