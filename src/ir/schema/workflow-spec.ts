import { z } from 'zod';
import { budgetSpecField } from './budget-spec.js';
import { modelPolicyField } from './model-policy.js';
import { NodeSpecSchema } from './node-spec.js';
import { permissionSpecField } from './permission-spec.js';
import { promotionPolicyField } from './promotion-policy.js';

/** The root of the IR: the only thing the engine runs. */
export const WorkflowSpecSchema = z.object({
  id: z.string().nullable().default(null),
  goal: z.string(),
  description: z.string().nullable().default(null),
  budget: budgetSpecField,
  permissions: permissionSpecField,
  model_policy: modelPolicyField,
  promotion_policy: promotionPolicyField,
  nodes: z.array(NodeSpecSchema).default(() => []),
});

export type WorkflowSpec = z.infer<typeof WorkflowSpecSchema>;
export type WorkflowSpecInput = z.input<typeof WorkflowSpecSchema>;
