import { z } from 'zod';
import { LESSON_KINDS, LESSON_STATUSES } from './lesson-kinds.js';

/**
 * The shape of a lesson, as the teacher writes it, as `overlay export` writes it and as `overlay
 * import` reads it. Every object is strict: a field this schema does not name is refused, so a
 * lesson cannot smuggle in a permission, a budget or a command (lesson-authority.ts names those
 * refusals first, with a clear message). Lessons are data, never authority.
 */

export const MAX_LESSON_TEXT_CHARS = 1_000;
export const MAX_LESSON_TITLE_CHARS = 120;
export const MAX_RATIONALE_CHARS = 2_000;

const text = z.string().trim().min(1).max(MAX_LESSON_TEXT_CHARS);
const roleName = z.string().regex(/^[a-z][a-z0-9_-]*$/, 'a role is a lowercase name such as "implementer"');
const relativeGlob = z
  .string()
  .min(1)
  .max(300)
  .refine((glob) => !glob.startsWith('/') && !glob.split('/').includes('..'), 'a path scope is relative to the repository and never leaves it');

export const NoteContentSchema = z.object({ text }).strict();
export const SkillPatchContentSchema = z.object({ text }).strict();
export const AuthoringPromptPatchContentSchema = z.object({ text }).strict();
export const WorkflowRecipeContentSchema = z
  .object({ name: z.string().regex(/^[a-z][a-z0-9_-]{0,63}$/, 'a recipe name is a short lowercase name'), text })
  .strict();
/**
 * A test leaf to add where the workflow has a test phase. Its command must be one the workflow's
 * own source (or the user's configuration, `learning.test_commands`) already declares: the teacher
 * never writes command text that gains authority. It always expects exit code 0.
 */
export const RegressionTestContentSchema = z
  .object({
    command: z.string().trim().min(1).max(500),
    name: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,47}$/, 'a test name is a short lowercase name').optional(),
  })
  .strict();
/** Memo/route policy for one role, chosen within what the configuration already holds. */
export const CachePolicyPatchContentSchema = z
  .object({
    role: roleName,
    cross_run: z.enum(['never', 'deterministic', 'always']).optional(),
    /** `provider/model` — must be one of the role's configured routes (primary or fallback). */
    route: z.string().regex(/^[^/]+\/.+$/, 'a route is "provider/model"').optional(),
  })
  .strict()
  .refine((content) => content.cross_run !== undefined || content.route !== undefined, 'a cache policy patch sets cross_run, route or both');
/** Drop, or run last, a branch (a candidate of a tournament) that has not won in K tournaments. */
export const BranchHeuristicContentSchema = z
  .object({
    node: z.string().min(1).max(200),
    action: z.enum(['drop', 'run_last']),
    lost_tournaments: z.number().int().nonnegative().optional(),
  })
  .strict();

export const LessonScopeSchema = z
  .object({
    /** The repository's identity (see repository-identity.ts); lessons never cross repositories. */
    repository: z.string().min(1),
    /** Path globs the lesson is about; empty: the whole repository. */
    paths: z.array(relativeGlob).max(50).default([]),
    /** Roles whose prompts it changes; empty: the kind's default roles. */
    roles: z.array(roleName).max(20).default([]),
    agent_types: z.array(z.string().min(1).max(40)).max(10).default([]),
    /** A model family (e.g. "deepseek-chat"); null: any. */
    model_family: z.string().min(1).max(100).nullable().default(null),
    /** Workflow ids it applies to; empty: any workflow. */
    workflows: z.array(z.string().min(1).max(200)).max(20).default([]),
  })
  .strict();

/** What makes a lesson: the content hash of exactly these fields is its id. */
export const LessonBodySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('note'), content: NoteContentSchema, scope: LessonScopeSchema }).strict(),
  z.object({ kind: z.literal('skill_patch'), content: SkillPatchContentSchema, scope: LessonScopeSchema }).strict(),
  z.object({ kind: z.literal('authoring_prompt_patch'), content: AuthoringPromptPatchContentSchema, scope: LessonScopeSchema }).strict(),
  z.object({ kind: z.literal('workflow_recipe'), content: WorkflowRecipeContentSchema, scope: LessonScopeSchema }).strict(),
  z.object({ kind: z.literal('regression_test'), content: RegressionTestContentSchema, scope: LessonScopeSchema }).strict(),
  z.object({ kind: z.literal('cache_policy_patch'), content: CachePolicyPatchContentSchema, scope: LessonScopeSchema }).strict(),
  z.object({ kind: z.literal('branch_heuristic'), content: BranchHeuristicContentSchema, scope: LessonScopeSchema }).strict(),
]);
export type LessonBody = z.infer<typeof LessonBodySchema>;
export type LessonScope = z.infer<typeof LessonScopeSchema>;
export type LessonContentOf<K extends LessonBody['kind']> = Extract<LessonBody, { kind: K }>['content'];

export const ProvenanceSchema = z
  .object({
    /** The runs whose trace is the lesson's evidence. */
    runs: z.array(z.string().min(1)).max(100),
    nodes: z.array(z.object({ run_id: z.string().min(1), node_id: z.string().min(1) }).strict()).max(200).default([]),
    /** Who proposed it: the teacher model (route and prompt hash) or a deterministic rule. */
    proposer: z.discriminatedUnion('type', [
      z.object({ type: z.literal('teacher'), route: z.string().min(1), prompt_hash: z.string().min(1) }).strict(),
      z.object({ type: z.literal('rule'), rule: z.string().min(1) }).strict(),
      z.object({ type: z.literal('import'), source: z.string().min(1) }).strict(),
    ]),
    parents: z.array(z.string()).max(20).default([]),
  })
  .strict();
export type Provenance = z.infer<typeof ProvenanceSchema>;

/** What would make the lesson stale: its scoped files at the commit it was learned on, the model, the configuration. */
export const InvalidationSchema = z
  .object({
    commit: z.string().nullable().default(null),
    /** Repository-relative path → git blob id at `commit`. */
    files: z.record(z.string(), z.string()).default({}),
    model: z.string().nullable().default(null),
    config_version: z.string().nullable().default(null),
  })
  .strict();
export type Invalidation = z.infer<typeof InvalidationSchema>;

/** A lesson as stored and exported: its body, id, and what describes it. */
export const LessonRecordSchema = z
  .object({
    id: z.string().regex(/^[0-9a-f]{64}$/),
    kind: z.enum(LESSON_KINDS),
    title: z.string().trim().min(1).max(MAX_LESSON_TITLE_CHARS),
    rationale: z.string().max(MAX_RATIONALE_CHARS).default(''),
    content: z.record(z.string(), z.unknown()),
    scope: LessonScopeSchema,
    provenance: ProvenanceSchema,
    invalidation: InvalidationSchema,
    created_at: z.number().int().nonnegative(),
  })
  .strict();
export type LessonRecordInput = z.input<typeof LessonRecordSchema>;

/** A stored lesson: the record with its body typed by kind. */
export type Lesson = LessonBody & {
  readonly id: string;
  readonly title: string;
  readonly rationale: string;
  readonly provenance: Provenance;
  readonly invalidation: Invalidation;
  readonly created_at: number;
};

export const LessonStatusSchema = z.enum(LESSON_STATUSES);

/** One status event of a lesson. */
export interface LessonStatusEvent {
  readonly seq: number;
  readonly lessonId: string;
  readonly status: (typeof LESSON_STATUSES)[number];
  readonly reasons: readonly string[];
  readonly at: number;
  /** Figures or facts that go with it (a gate's statistics, a janitor's A/B figures, new invalidation data). */
  readonly data: Readonly<Record<string, unknown>> | null;
}
