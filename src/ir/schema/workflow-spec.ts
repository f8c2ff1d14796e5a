import { z } from 'zod';
import { budgetSchemas } from './budget-spec.js';
import { lazySchema, once } from '../../util/lazy-schema.js';
import { modelPolicySchemas } from './model-policy.js';
import { nodeSchemas } from './node-spec.js';
import { permissionSchemas } from './permission-spec.js';
import { promotionSchemas } from './promotion-policy.js';

/** Built on first use (util/lazy-schema.ts). */
export const workflowSchema = once(() =>
  z.object({
    id: z.string().nullable().default(null),
    goal: z.string(),
    description: z.string().nullable().default(null),
    budget: budgetSchemas().budgetSpecField,
    permissions: permissionSchemas().permissionSpecField,
    model_policy: modelPolicySchemas().modelPolicyField,
    promotion_policy: promotionSchemas().promotionPolicyField,
    nodes: z.array(nodeSchemas().NodeSpecSchema).default(() => []),
  }),
);

/** The root of the IR: the only thing the engine runs. */
export const WorkflowSpecSchema = lazySchema(workflowSchema);

export type WorkflowSpec = z.infer<typeof WorkflowSpecSchema>;
export type WorkflowSpecInput = z.input<typeof WorkflowSpecSchema>;

/** The workflow's own fields, in their wire order (WorkflowSpecSchema's keys, without building it). */
export const WORKFLOW_FIELDS = ['id', 'goal', 'description', 'budget', 'permissions', 'model_policy', 'promotion_policy', 'nodes'] as const satisfies readonly (keyof WorkflowSpec)[];
