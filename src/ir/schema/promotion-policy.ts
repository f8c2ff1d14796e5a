import { z } from 'zod';
import { lazySchema, once } from '../../util/lazy-schema.js';

/** Built on first use (util/lazy-schema.ts). */
export const promotionSchemas = once(() => {
  const PromotionGateSchema = z.object({
    min_score_delta: z.number().int().default(1),
    max_cost_delta_microusd: z.number().int().nullable().default(null),
    require_all_tests_pass: z.boolean().default(true),
    reject_policy_violations: z.boolean().default(true),
    reject_stale_replay: z.boolean().default(true),
  });
  const PromotionStrategySchema = z.enum(['all', 'first_success', 'best_score', 'teacher_selected']);
  const PromotionPolicySchema = z.object({
    strategy: PromotionStrategySchema.default('all'),
    require_teacher_review: z.boolean().default(false),
    min_successful_branches: z.number().int().nonnegative().nullable().default(null),
    promotion_gate: PromotionGateSchema.prefault(() => ({})),
  });
  return { PromotionGateSchema, PromotionStrategySchema, PromotionPolicySchema, promotionPolicyField: PromotionPolicySchema.prefault(() => ({})) };
});

export const PromotionGateSchema = lazySchema(() => promotionSchemas().PromotionGateSchema);

export type PromotionGate = z.infer<typeof PromotionGateSchema>;

export const PromotionStrategySchema = lazySchema(() => promotionSchemas().PromotionStrategySchema);
export type PromotionStrategy = z.infer<typeof PromotionStrategySchema>;

export const PromotionPolicySchema = lazySchema(() => promotionSchemas().PromotionPolicySchema);

export type PromotionPolicy = z.infer<typeof PromotionPolicySchema>;

export const promotionPolicyField = lazySchema(() => promotionSchemas().promotionPolicyField);
