import { z } from 'zod';
import { EMPTY_LIST } from './empty-list.js';
import { budgetSchemas } from './budget-spec.js';
import { conditionSchema } from './condition-spec.js';
import { enumSchemas } from './enums.js';
import { lazySchema, once } from '../../util/lazy-schema.js';
import { modelPolicySchemas } from './model-policy.js';
import { permissionSchemas } from './permission-spec.js';
import { promotionSchemas } from './promotion-policy.js';
import { memorySchemas } from './memory-spec.js';

// Field order is the wire order: CodeWhale's fields first, WhaleFlow extensions after them,
// optional and absent when unset, so a CodeWhale document keeps its bytes and hashes.

export const PARETO_METRICS = ['score', 'cost', 'diff_size', 'latency', 'tokens'] as const;

export const DEFAULT_PARETO_OBJECTIVES: readonly { readonly metric: (typeof PARETO_METRICS)[number]; readonly direction: 'max' | 'min' }[] = [
  { metric: 'score', direction: 'max' },
  { metric: 'cost', direction: 'min' },
  { metric: 'diff_size', direction: 'min' },
];

export const TOURNAMENT_SELECTIONS = ['tests', 'judge', 'score'] as const;
/** How ties between equally good candidates are broken. */
export const TOURNAMENT_ORDERINGS = ['declaration', 'cost', 'latency'] as const;

/** Built on first use (util/lazy-schema.ts). */
export const nodeSchemas = once(() => {
  const { budgetSpecField } = budgetSchemas();
  const { AgentTypeSchema, IsolationSchema, LeafModeSchema, RoleSchema } = enumSchemas();
  const { modelPolicyField } = modelPolicySchemas();
  const { permissionSpecField } = permissionSchemas();
  const { promotionPolicyField } = promotionSchemas();
  const { LeafMemorySpecSchema, MemorySpecSchema } = memorySchemas();
  const ConditionSpecSchema = conditionSchema();
  const nodeId = z.string();
  const idList = z.array(z.string()).default(EMPTY_LIST);

  const LeafSpecSchema = z.object({
    id: nodeId,
    prompt: z.string(),
    agent_type: AgentTypeSchema.default('general'),
    mode: LeafModeSchema.default('read_only'),
    isolation: IsolationSchema.default('shared'),
    file_scope: idList,
    depends_on_results: idList,
    budget: budgetSpecField,
    permissions: permissionSpecField,
    model_policy: modelPolicyField,
    role: RoleSchema.optional(),
    /** The real command a test or shell leaf runs. */
    command: z.string().optional(),
    /** The exit code that counts as a pass for a test leaf (0 when unset). */
    expect_exit: z.number().int().optional(),
    /** External memory contexts the leaf operates on (docs/memory.md). */
    memory: z.preprocess((value) => (Array.isArray(value) ? { contexts: value } : value), LeafMemorySpecSchema).optional(),
  });

  const ReduceSpecSchema = z.object({
    id: nodeId,
    inputs: idList,
    prompt: z.string(),
    model_policy: modelPolicyField,
    role: RoleSchema.optional(),
  });

  const TeacherReviewSpecSchema = z.object({
    id: nodeId,
    candidates: idList,
    promotion_policy: promotionPolicyField,
  });

  const TournamentSelectionSchema = z.enum(TOURNAMENT_SELECTIONS);

  /** How ties between equally good candidates are broken. */
  const TournamentOrderingSchema = z.enum(TOURNAMENT_ORDERINGS);

  const TournamentSpecSchema = z.object({
    id: nodeId,
    candidates: idList,
    by: TournamentSelectionSchema.default('tests'),
    min_score: z.number().optional(),
    ordering: TournamentOrderingSchema.optional(),
    /** The question a judge answers when `by` is `judge`. */
    judge: z.string().optional(),
    role: RoleSchema.optional(),
  });

  const ParetoMetricSchema = z.enum(PARETO_METRICS);

  const ParetoObjectiveSchema = z.object({
    metric: ParetoMetricSchema,
    direction: z.enum(['max', 'min']),
  });

  const ParetoSpecSchema = z.object({
    id: nodeId,
    candidates: idList,
    objectives: z.array(ParetoObjectiveSchema).min(1).default(() => DEFAULT_PARETO_OBJECTIVES.map((objective) => ({ ...objective }))),
    max_items: z.number().int().positive().optional(),
  });

  const BranchSpecSchema = z.object({
    id: nodeId,
    description: z.string().nullable().default(null),
    parallel: z.boolean().default(false),
    budget: budgetSpecField,
    permissions: permissionSpecField,
    model_policy: modelPolicyField,
    get children() {
      return nodeList;
    },
  });

  const SequenceSpecSchema = z.object({
    id: nodeId,
    get children() {
      return nodeList;
    },
  });

  const LoopUntilSpecSchema = z.object({
    id: nodeId,
    condition: z.string(),
    max_iterations: z.number().int().positive().nullable().default(null),
    get children() {
      return nodeList;
    },
    until: ConditionSpecSchema.optional(),
  });

  const CondSpecSchema = z.object({
    id: nodeId,
    condition: z.string(),
    get then_nodes() {
      return nodeList;
    },
    get else_nodes() {
      return nodeList;
    },
    when: ConditionSpecSchema.optional(),
  });

  const ExpandSpecSchema = z.object({
    id: nodeId,
    source: z.string(),
    max_children: z.number().int().positive().nullable().default(null),
    get template() {
      return NodeSpecSchema.nullable().default(null);
    },
    role: RoleSchema.optional(),
  });

  const NodeSpecSchema = z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('branch_set'), spec: BranchSpecSchema }),
    z.object({ kind: z.literal('leaf'), spec: LeafSpecSchema }),
    z.object({ kind: z.literal('sequence'), spec: SequenceSpecSchema }),
    z.object({ kind: z.literal('reduce'), spec: ReduceSpecSchema }),
    z.object({ kind: z.literal('teacher_review'), spec: TeacherReviewSpecSchema }),
    z.object({ kind: z.literal('loop_until'), spec: LoopUntilSpecSchema }),
    z.object({ kind: z.literal('cond'), spec: CondSpecSchema }),
    z.object({ kind: z.literal('expand'), spec: ExpandSpecSchema }),
    z.object({ kind: z.literal('tournament'), spec: TournamentSpecSchema }),
    z.object({ kind: z.literal('pareto'), spec: ParetoSpecSchema }),
    z.object({ kind: z.literal('memory'), spec: MemorySpecSchema }),
  ]);

  const nodeList = z.array(NodeSpecSchema).default(() => []);
  return { LeafSpecSchema, ReduceSpecSchema, TeacherReviewSpecSchema, TournamentSelectionSchema, TournamentOrderingSchema, TournamentSpecSchema, ParetoMetricSchema, ParetoObjectiveSchema, ParetoSpecSchema, BranchSpecSchema, SequenceSpecSchema, LoopUntilSpecSchema, CondSpecSchema, ExpandSpecSchema, NodeSpecSchema };
});

export const LeafSpecSchema = lazySchema(() => nodeSchemas().LeafSpecSchema);
export type LeafSpec = z.infer<typeof LeafSpecSchema>;
export const ReduceSpecSchema = lazySchema(() => nodeSchemas().ReduceSpecSchema);
export type ReduceSpec = z.infer<typeof ReduceSpecSchema>;
export const TeacherReviewSpecSchema = lazySchema(() => nodeSchemas().TeacherReviewSpecSchema);
export type TeacherReviewSpec = z.infer<typeof TeacherReviewSpecSchema>;
export const TournamentSelectionSchema = lazySchema(() => nodeSchemas().TournamentSelectionSchema);
export type TournamentSelection = z.infer<typeof TournamentSelectionSchema>;
export const TournamentOrderingSchema = lazySchema(() => nodeSchemas().TournamentOrderingSchema);
export type TournamentOrdering = z.infer<typeof TournamentOrderingSchema>;
export const TournamentSpecSchema = lazySchema(() => nodeSchemas().TournamentSpecSchema);
export type TournamentSpec = z.infer<typeof TournamentSpecSchema>;
export const ParetoMetricSchema = lazySchema(() => nodeSchemas().ParetoMetricSchema);
export type ParetoMetric = z.infer<typeof ParetoMetricSchema>;
export const ParetoObjectiveSchema = lazySchema(() => nodeSchemas().ParetoObjectiveSchema);
export type ParetoObjective = z.infer<typeof ParetoObjectiveSchema>;
export const ParetoSpecSchema = lazySchema(() => nodeSchemas().ParetoSpecSchema);
export type ParetoSpec = z.infer<typeof ParetoSpecSchema>;
export const BranchSpecSchema = lazySchema(() => nodeSchemas().BranchSpecSchema);
export const SequenceSpecSchema = lazySchema(() => nodeSchemas().SequenceSpecSchema);
export const LoopUntilSpecSchema = lazySchema(() => nodeSchemas().LoopUntilSpecSchema);
export const CondSpecSchema = lazySchema(() => nodeSchemas().CondSpecSchema);
export const ExpandSpecSchema = lazySchema(() => nodeSchemas().ExpandSpecSchema);
export const NodeSpecSchema = lazySchema(() => nodeSchemas().NodeSpecSchema);

export type NodeSpec = z.infer<typeof NodeSpecSchema>;
export type BranchSpec = z.infer<typeof BranchSpecSchema>;
export type SequenceSpec = z.infer<typeof SequenceSpecSchema>;
export type LoopUntilSpec = z.infer<typeof LoopUntilSpecSchema>;
export type CondSpec = z.infer<typeof CondSpecSchema>;
export type ExpandSpec = z.infer<typeof ExpandSpecSchema>;

/** A node of one kind, e.g. `NodeOfKind<'leaf'>`. */
export type NodeOfKind<K extends NodeSpec['kind']> = Extract<NodeSpec, { kind: K }>;
