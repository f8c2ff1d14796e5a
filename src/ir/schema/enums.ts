import { z } from 'zod';

export const AgentTypeSchema = z.enum(['general', 'explore', 'plan', 'review', 'implementer', 'verifier']);
export type AgentType = z.infer<typeof AgentTypeSchema>;

export const LeafModeSchema = z.enum(['read_only', 'read_write']);
export type LeafMode = z.infer<typeof LeafModeSchema>;

export const IsolationSchema = z.enum(['shared', 'worktree']);
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
export const RoleSchema = z.string().regex(/^[a-z][a-z0-9_-]*$/, 'a role is a lowercase name such as "implementer"');
