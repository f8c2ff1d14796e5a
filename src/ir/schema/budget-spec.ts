import { z } from 'zod';

const optionalCount = z.number().int().nonnegative().nullable().default(null);

/**
 * Limits on a workflow, branch or leaf. The first four fields are CodeWhale's; the others are
 * WhaleFlow extensions, optional and omitted from canonical JSON when unset.
 */
export const BudgetSpecSchema = z.object({
  max_steps: optionalCount,
  timeout_secs: optionalCount,
  max_parallel: optionalCount,
  max_tokens: optionalCount,
  max_cost_microusd: z.number().int().nonnegative().optional(),
  max_leaves: z.number().int().nonnegative().optional(),
});

export type BudgetSpec = z.infer<typeof BudgetSpecSchema>;

export const budgetSpecField = BudgetSpecSchema.prefault(() => ({}));
