import { z } from 'zod';
import { lazySchema, once } from '../../util/lazy-schema.js';

export const AGENT_TYPES = ['general', 'explore', 'plan', 'review', 'implementer', 'verifier'] as const;
export const LEAF_MODES = ['read_only', 'read_write'] as const;
export const ISOLATIONS = ['shared', 'worktree'] as const;

/** Built on first use (util/lazy-schema.ts). */
export const enumSchemas = once(() => ({
  AgentTypeSchema: z.enum(AGENT_TYPES),
  LeafModeSchema: z.enum(LEAF_MODES),
  IsolationSchema: z.enum(ISOLATIONS),
  RoleSchema: z.string().regex(/^[a-z][a-z0-9_-]*$/, 'a role is a lowercase name such as "implementer"'),
}));

export const AgentTypeSchema = lazySchema(() => enumSchemas().AgentTypeSchema);
export type AgentType = z.infer<typeof AgentTypeSchema>;

export const LeafModeSchema = lazySchema(() => enumSchemas().LeafModeSchema);
export type LeafMode = z.infer<typeof LeafModeSchema>;

export const IsolationSchema = lazySchema(() => enumSchemas().IsolationSchema);
export type Isolation = z.infer<typeof IsolationSchema>;

export const NODE_KINDS = [
  'branch_set',
  'leaf',
  'sequence',
  'reduce',
  'teacher_review',
  'loop_until',
  'cond',
  'expand',
  'tournament',
  'pareto',
  'memory',
] as const;
export type NodeKind = (typeof NODE_KINDS)[number];

/** A model role name such as explore, implementer, reviewer, judge, planner, teacher, student. */
export const RoleSchema = lazySchema(() => enumSchemas().RoleSchema);
