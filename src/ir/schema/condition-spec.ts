import { z } from 'zod';
import { lazySchema, once } from '../../util/lazy-schema.js';

/** Built on first use (util/lazy-schema.ts). */
export const conditionSchema = once(() => z.union([z.object({ tests_pass: z.array(z.string()).min(1) }).strict(), z.object({ judge: z.string() }).strict()]));

/**
 * A structured condition (WhaleFlow extension) beside the free-text `condition`: decided by
 * named test leaves passing, or by a judge model answering a yes/no question. Never by parsing prose.
 */
export const ConditionSpecSchema = lazySchema(conditionSchema);

export type ConditionSpec = z.infer<typeof ConditionSpecSchema>;

/** The free text that describes a structured condition, used when the author gave none. */
export function describeCondition(condition: ConditionSpec): string {
  return 'tests_pass' in condition ? `tests pass: ${condition.tests_pass.join(', ')}` : condition.judge;
}
