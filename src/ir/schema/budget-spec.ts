import { z } from 'zod';
import { lazySchema, once } from '../../util/lazy-schema.js';

/** Built on first use (util/lazy-schema.ts). */
export const budgetSchemas = once(() => {
  const optionalCount = z.number().int().nonnegative().nullable().default(null);
  const BudgetSpecSchema = z.object({
    max_steps: optionalCount,
    timeout_secs: optionalCount,
    max_parallel: optionalCount,
    max_tokens: optionalCount,
    max_cost_microusd: z.number().int().nonnegative().optional(),
    max_leaves: z.number().int().nonnegative().optional(),
  });
  return { BudgetSpecSchema, budgetSpecField: BudgetSpecSchema.prefault(() => ({})) };
});

/**
 * Limits on a workflow, branch or leaf. The first four fields are CodeWhale's; the others are
 * WhaleFlow extensions, optional and omitted from canonical JSON when unset.
 */
export const BudgetSpecSchema = lazySchema(() => budgetSchemas().BudgetSpecSchema);

export type BudgetSpec = z.infer<typeof BudgetSpecSchema>;

export const budgetSpecField = lazySchema(() => budgetSchemas().budgetSpecField);
