import { z } from 'zod';
import { EMPTY_LIST } from './empty-list.js';

/** Which model serves a node. Provider and model are separate: model ids may contain `/`. */
export const ModelPolicySchema = z.object({
  provider: z.string().nullable().default(null),
  model: z.string().nullable().default(null),
  fallback_models: z.array(z.string()).default(EMPTY_LIST),
});

export type ModelPolicy = z.infer<typeof ModelPolicySchema>;

export const modelPolicyField = ModelPolicySchema.prefault(() => ({}));
