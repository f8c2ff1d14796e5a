import { z } from 'zod';
import { EMPTY_LIST } from './empty-list.js';
import { lazySchema, once } from '../../util/lazy-schema.js';

/** Built on first use (util/lazy-schema.ts). */
export const modelPolicySchemas = once(() => {
  const ModelPolicySchema = z.object({
    provider: z.string().nullable().default(null),
    model: z.string().nullable().default(null),
    fallback_models: z.array(z.string()).default(EMPTY_LIST),
  });
  return { ModelPolicySchema, modelPolicyField: ModelPolicySchema.prefault(() => ({})) };
});

/** Which model serves a node. Provider and model are separate: model ids may contain `/`. */
export const ModelPolicySchema = lazySchema(() => modelPolicySchemas().ModelPolicySchema);

export type ModelPolicy = z.infer<typeof ModelPolicySchema>;

export const modelPolicyField = lazySchema(() => modelPolicySchemas().modelPolicyField);
