import { leafRole, type AppliedLesson, type RolePolicyPatch, type RunOverlay } from '../engine/index.js';
import { assertNever } from '../util/index.js';
import { listNodes, toCanonicalJson, type LeafSpec, type WorkflowSpec } from '../ir/index.js';
import { advisoryBlock, DEFAULT_ADVISORY_MAX_CHARS, type AdvisoryEntry } from './advisory-block.js';
import { scopesMayOverlap } from './glob-overlap.js';
import { lessonPolicyViolations } from './lesson-authority.js';
import { LESSON_KINDS } from './lesson-kinds.js';
import type { Lesson } from './lesson-schema.js';
import { changedScopedFiles, type RepositoryState } from './repository-state.js';
import { addRegressionTest, applyBranchHeuristic, declaredCommandsOf, draftOf, finishDraft, type StructuralOutcome } from './structural-lessons.js';

/** What applying an overlay may use from the user's configuration. */
export interface OverlaySettings {
  readonly advisoryMaxChars?: number;
  /** learning.test_commands: commands a regression test may use besides the workflow's own. */
  readonly testCommands: readonly string[];
  readonly crossRun: 'never' | 'deterministic' | 'always';
  /** `provider/model` routes configured for a role. */
  readonly configuredRoutes: (role: string) => readonly string[];
  /** The model family a role routes to now, for lessons scoped to one. */
  readonly modelFamilyFor: (role: string) => string | null;
}

export interface OverlayPlanInput {
  readonly spec: WorkflowSpec;
  readonly snapshotId: string;
  readonly lessons: readonly Lesson[];
  readonly repository: RepositoryState;
  readonly settings: OverlaySettings;
}

export interface SkippedLesson {
  readonly id: string;
  readonly title: string;
  readonly kind: string;
  readonly reason: string;
  /** Scoped files changed since the lesson was learned: the lesson is stale. */
  readonly changedFiles?: readonly string[];
}

export interface OverlayPlan {
  /** The spec that runs: the workflow's, with the overlay's structural lessons applied. */
  readonly spec: WorkflowSpec;
  /** The data the engine records in run_started and applies. */
  readonly overlay: RunOverlay;
  readonly applied: readonly AppliedLesson[];
  readonly skipped: readonly SkippedLesson[];
  /** The skipped lessons that are stale (their scoped files changed on main). */
  readonly stale: readonly SkippedLesson[];
}

const KIND_ORDER = new Map(LESSON_KINDS.map((kind, index) => [kind, index]));

/**
 * Turns the overlay's lessons into what one run applies, as data: advisory blocks per leaf and
 * per role (bounded and delimited), role policies, and the structural edits (regression tests,
 * branch heuristics) on a copy of the spec, which passes the validation gate again. A lesson
 * that is stale, out of scope, asks for more than the configuration allows, or would break the
 * workflow is skipped with its reason; nothing here can widen a permission, budget or command.
 */
export function planRunOverlay(input: OverlayPlanInput): OverlayPlan {
  const lessons = [...input.lessons].sort(
    (left, right) => (KIND_ORDER.get(left.kind)! - KIND_ORDER.get(right.kind)!) || left.created_at - right.created_at || (left.id < right.id ? -1 : 1),
  );
  const skipped: SkippedLesson[] = [];
  const skip = (lesson: Lesson, reason: string, changedFiles?: readonly string[]): void => {
    skipped.push({ id: lesson.id, title: lesson.title, kind: lesson.kind, reason, ...(changedFiles ? { changedFiles } : {}) });
  };
  const applicable = lessons.filter((lesson) => {
    const reason = inapplicableReason(lesson, input);
    if (reason) skip(lesson, reason.text, reason.changedFiles);
    return reason === undefined;
  });

  const applied: AppliedLesson[] = [];
  const structural = applyStructural(input.spec, applicable, input.settings, applied, skip);
  const spec = structural.spec;
  const rolePolicies = applyPolicies(spec, applicable, input, applied, skip);
  const advisory = applyAdvisory(spec, applicable, input.settings.advisoryMaxChars ?? DEFAULT_ADVISORY_MAX_CHARS, applied, skip);
  const overlay: RunOverlay = {
    snapshotId: input.snapshotId,
    ...(input.repository.head ? { commit: input.repository.head } : {}),
    lessons: applied,
    ...advisory,
    ...(Object.keys(rolePolicies).length > 0 ? { rolePolicies } : {}),
    ...(structural.changed ? { baseSpec: toCanonicalJson(input.spec) } : {}),
    ...(skipped.length > 0 ? { skipped: skipped.map(({ id, title, reason }) => ({ id, title, reason })) } : {}),
  };
  return { spec, overlay, applied, skipped, stale: skipped.filter((entry) => entry.changedFiles !== undefined) };
}

function inapplicableReason(lesson: Lesson, input: OverlayPlanInput): { text: string; changedFiles?: readonly string[] } | undefined {
  if (lesson.scope.repository !== input.repository.identity) return { text: 'learned in another repository' };
  if (lesson.scope.workflows.length > 0 && !lesson.scope.workflows.includes(input.spec.id ?? '')) return { text: `scoped to workflow(s) ${lesson.scope.workflows.join(', ')}` };
  const changed = changedScopedFiles(input.repository, lesson.scope.paths, lesson.invalidation.files);
  if (changed.length > 0) return { text: `stale: ${changed.slice(0, 3).join(', ')}${changed.length > 3 ? ` and ${changed.length - 3} more` : ''} changed since it was learned`, changedFiles: changed };
  const family = lesson.scope.model_family;
  if (family !== null) {
    const roles = lesson.scope.roles.length > 0 ? lesson.scope.roles : [...rolesOf(input.spec).leaf];
    const mismatched = roles.filter((role) => input.settings.modelFamilyFor(role) !== family);
    if (mismatched.length === roles.length) return { text: `learned with model family ${family}; its roles route elsewhere now` };
  }
  return undefined;
}

function applyStructural(
  spec: WorkflowSpec,
  lessons: readonly Lesson[],
  settings: OverlaySettings,
  applied: AppliedLesson[],
  skip: (lesson: Lesson, reason: string) => void,
): { spec: WorkflowSpec; changed: boolean } {
  const structural = lessons.filter((lesson) => lesson.kind === 'regression_test' || lesson.kind === 'branch_heuristic');
  if (structural.length === 0) return { spec, changed: false };
  const declared = new Set([...declaredCommandsOf(spec), ...settings.testCommands.map((command) => command.trim())]);
  let current = spec;
  let changed = false;
  for (const lesson of structural) {
    // One lesson at a time, each re-validated, so one that breaks the workflow is skipped alone.
    const draft = draftOf(current);
    const outcome: StructuralOutcome =
      lesson.kind === 'regression_test' ? addRegressionTest(draft, lesson, declared) : applyBranchHeuristic(draft, lesson as Lesson & { kind: 'branch_heuristic' });
    if (!outcome.applied) {
      skip(lesson, outcome.reason);
      continue;
    }
    const finished = finishDraft(draft);
    if ('problem' in finished) {
      skip(lesson, `the workflow would not validate: ${finished.problem}`);
      continue;
    }
    current = finished.spec;
    changed = true;
    applied.push(appliedOf(lesson, outcome.effect));
  }
  return { spec: current, changed };
}

function applyPolicies(
  spec: WorkflowSpec,
  lessons: readonly Lesson[],
  input: OverlayPlanInput,
  applied: AppliedLesson[],
  skip: (lesson: Lesson, reason: string) => void,
): Record<string, RolePolicyPatch> {
  const roles = rolesOf(spec);
  const policies: Record<string, RolePolicyPatch> = {};
  for (const lesson of lessons) {
    if (lesson.kind !== 'cache_policy_patch') continue;
    const violations = lessonPolicyViolations(lesson, {
      repository: input.repository.identity,
      declaredCommands: new Set(),
      configuredRoutes: input.settings.configuredRoutes,
      crossRun: input.settings.crossRun,
    });
    if (violations.length > 0) {
      skip(lesson, violations[0]!.replace(/^lesson: /, ''));
      continue;
    }
    const { role, cross_run: crossRun, route } = lesson.content;
    if (!roles.leaf.has(role) && !roles.engine.has(role)) {
      skip(lesson, `role "${role}" does not run in this workflow`);
      continue;
    }
    const slash = route?.indexOf('/') ?? -1;
    policies[role] = {
      ...policies[role],
      ...(crossRun !== undefined ? { crossRun } : {}),
      ...(route !== undefined ? { route: { provider: route.slice(0, slash), model: route.slice(slash + 1) } } : {}),
    };
    applied.push(appliedOf(lesson, [crossRun !== undefined ? `cross-run memo ${crossRun}` : '', route !== undefined ? `route ${route}` : ''].filter(Boolean).join(', ') + ` for ${role}`));
  }
  return policies;
}

interface AdvisoryTargets {
  readonly blocks: string[];
  readonly leafBlocks: Record<string, number>;
  readonly roleBlocks: Record<string, number>;
}

function applyAdvisory(spec: WorkflowSpec, lessons: readonly Lesson[], maxChars: number, applied: AppliedLesson[], skip: (lesson: Lesson, reason: string) => void): AdvisoryTargets {
  const advisory = lessons.filter((lesson) => lesson.kind === 'note' || lesson.kind === 'skill_patch' || lesson.kind === 'authoring_prompt_patch' || lesson.kind === 'workflow_recipe');
  const targets: AdvisoryTargets = { blocks: [], leafBlocks: {}, roleBlocks: {} };
  if (advisory.length === 0) return targets;
  const roles = rolesOf(spec);
  const included = new Map<string, Set<string>>();
  const omitted = new Set<string>();
  const blockIndex = new Map<string, number>();
  const place = (entries: AdvisoryEntry[], label: string): number | undefined => {
    if (entries.length === 0) return undefined;
    const block = advisoryBlock(entries, maxChars);
    for (const id of block.omitted) omitted.add(id);
    for (const id of block.included) (included.get(id) ?? included.set(id, new Set()).get(id)!).add(label);
    if (!block.text) return undefined;
    let index = blockIndex.get(block.text);
    if (index === undefined) {
      index = targets.blocks.push(block.text) - 1;
      blockIndex.set(block.text, index);
    }
    return index;
  };
  // A test or shell leaf runs a command and asks no model: advice would only change its key.
  for (const leaf of leavesOf(spec).filter((candidate) => candidate.command === undefined)) {
    const role = leafRole(leaf);
    const index = place(advisory.filter((lesson) => reachesLeaf(lesson, leaf, role)).map(entryOf), role);
    if (index !== undefined) targets.leafBlocks[leaf.id] = index;
  }
  for (const role of new Set([...roles.leaf, ...roles.engine])) {
    const index = place(advisory.filter((lesson) => reachesRole(lesson, role, roles.engine.has(role))).map(entryOf), role);
    if (index !== undefined) targets.roleBlocks[role] = index;
  }
  for (const lesson of advisory) {
    const where = included.get(lesson.id);
    if (where && where.size > 0) applied.push(appliedOf(lesson, `advisory for ${[...where].sort().join(', ')}`));
    else skip(lesson, omitted.has(lesson.id) ? 'the advisory block reached its cap (overlay.advisory_max_chars)' : 'nothing in this workflow is in its scope');
  }
  return targets;
}

/** Roles a lesson addresses: its scope's, else its kind's default (notes and skill patches: every leaf role). */
function lessonRoles(lesson: Lesson): readonly string[] | 'every-leaf-role' {
  if (lesson.scope.roles.length > 0) return lesson.scope.roles;
  return lesson.kind === 'authoring_prompt_patch' || lesson.kind === 'workflow_recipe' ? ['planner'] : 'every-leaf-role';
}

function reachesLeaf(lesson: Lesson, leaf: LeafSpec, role: string): boolean {
  const roles = lessonRoles(lesson);
  if (roles !== 'every-leaf-role' && !roles.includes(role)) return false;
  if (lesson.scope.agent_types.length > 0 && !lesson.scope.agent_types.includes(leaf.agent_type)) return false;
  return scopesMayOverlap(leaf.file_scope, lesson.scope.paths);
}

/** A role block serves engine calls and leaves the run makes later (expansions): only lessons not narrowed to paths or agent types. */
function reachesRole(lesson: Lesson, role: string, engineRole: boolean): boolean {
  if (lesson.scope.paths.length > 0 || lesson.scope.agent_types.length > 0) return false;
  const roles = lessonRoles(lesson);
  return roles === 'every-leaf-role' ? !engineRole : roles.includes(role);
}

function entryOf(lesson: Lesson): AdvisoryEntry {
  const content = lesson.content as { text: string; name?: string };
  return { lessonId: lesson.id, kind: lesson.kind, text: content.text, ...(content.name ? { name: content.name } : {}) };
}

function appliedOf(lesson: Lesson, effect: string): AppliedLesson {
  return { id: lesson.id, kind: lesson.kind, title: lesson.title, effect };
}

function leavesOf(spec: WorkflowSpec): LeafSpec[] {
  return listNodes(spec).flatMap(({ node }) => (node.kind === 'leaf' ? [node.spec] : []));
}

/** The roles a workflow's model-asking leaves run as, and the roles of its engine model calls. */
export function rolesOf(spec: WorkflowSpec): { readonly leaf: Set<string>; readonly engine: Set<string> } {
  const leaf = new Set<string>();
  const engine = new Set<string>();
  for (const { node } of listNodes(spec)) {
    switch (node.kind) {
      case 'leaf':
        if (node.spec.command === undefined) leaf.add(leafRole(node.spec)); // a command leaf asks no model
        break;
      case 'reduce':
        engine.add(node.spec.role ?? 'reducer');
        break;
      case 'expand':
        engine.add(node.spec.role ?? 'planner');
        break;
      case 'tournament':
        if (node.spec.by === 'judge') engine.add(node.spec.role ?? 'judge');
        break;
      case 'loop_until':
      case 'cond':
        engine.add('judge');
        break;
      case 'branch_set':
      case 'sequence':
      case 'teacher_review':
      case 'pareto':
      case 'memory':
        break;
      default:
        assertNever(node, 'node kind');
    }
  }
  return { leaf, engine };
}
