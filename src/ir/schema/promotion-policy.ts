import { z } from 'zod';

export const PromotionGateSchema = z.object({
  min_score_delta: z.number().int().default(1),
  max_cost_delta_microusd: z.number().int().nullable().default(null),
  require_all_tests_pass: z.boolean().default(true),
  reject_policy_violations: z.boolean().default(true),
  reject_stale_replay: z.boolean().default(true),
});

export type PromotionGate = z.infer<typeof PromotionGateSchema>;

export const PromotionStrategySchema = z.enum(['all', 'first_success', 'best_score', 'teacher_selected']);
export type PromotionStrategy = z.infer<typeof PromotionStrategySchema>;

export const PromotionPolicySchema = z.object({
  strategy: PromotionStrategySchema.default('all'),
  require_teacher_review: z.boolean().default(false),
  min_successful_branches: z.number().int().nonnegative().nullable().default(null),
  promotion_gate: PromotionGateSchema.prefault(() => ({})),
});

export type PromotionPolicy = z.infer<typeof PromotionPolicySchema>;

export const promotionPolicyField = PromotionPolicySchema.prefault(() => ({}));
