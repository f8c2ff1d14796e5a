import type { Lesson, LessonBody } from './lesson-schema.js';

/**
 * Names that would carry authority — permissions, grants, budgets, commands, isolation, provider
 * endpoints. A lesson is advisory data: none of these may appear anywhere in it. Checked before
 * the schema so the refusal says what was asked for, not just "unknown field".
 */
const PERMISSION_FIELDS = new Set(['permissions', 'allow_write', 'allow_write_tree', 'allow_network', 'allowed_tools', 'file_scope', 'isolation', 'mode', 'grant', 'sandbox', 'no_sandbox', 'network']);
const BUDGET_FIELDS = new Set(['budget', 'max_tokens', 'max_cost_microusd', 'max_cost', 'max_steps', 'timeout_secs', 'max_parallel', 'max_leaves', 'max_iterations', 'max_children']);
const COMMAND_FIELDS = new Set(['commands', 'allowed_commands', 'command', 'shell', 'script', 'run', 'env', 'environment', 'expect_exit']);
const PROVIDER_FIELDS = new Set(['base_url', 'api_key', 'api_key_env', 'providers', 'model_policy']);

export interface AuthorityContext {
  /** The identity of the repository the lesson is for (lessons never cross repositories). */
  readonly repository: string;
  /** Commands a regression test may use: declared by a workflow source or the user's configuration. */
  readonly declaredCommands: ReadonlySet<string>;
  /** `provider/model` routes configured for a role (primary and fallbacks). */
  readonly configuredRoutes: (role: string) => readonly string[];
  /** The configuration's cross-run memo policy; a lesson may narrow it, never relax it. */
  readonly crossRun: 'never' | 'deterministic' | 'always';
}

/**
 * Authority-bearing fields anywhere in a raw lesson, each as a violation message. `command` is
 * allowed in exactly one place: the content of a regression_test (and is checked there against
 * what is declared).
 */
export function findAuthorityFields(raw: unknown, label: string): string[] {
  const violations: string[] = [];
  const visit = (value: unknown, path: string[]): void => {
    if (Array.isArray(value)) {
      value.forEach((item, index) => visit(item, [...path, String(index)]));
      return;
    }
    if (value === null || typeof value !== 'object') return;
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      const at = [...path, key];
      const where = at.join('.');
      const regressionCommand = key === 'command' && path.length === 1 && path[0] === 'content' && (raw as { kind?: unknown }).kind === 'regression_test';
      if (PERMISSION_FIELDS.has(key)) violations.push(`${label}: asks for a wider permission (${where}) — a lesson is advisory data and can never change permissions or grants`);
      else if (BUDGET_FIELDS.has(key)) violations.push(`${label}: asks for a bigger budget (${where}) — a lesson can never change budgets or limits`);
      else if (COMMAND_FIELDS.has(key) && !regressionCommand) violations.push(`${label}: asks to run a command (${where}) — only the workflow source and the user's configuration declare commands`);
      else if (PROVIDER_FIELDS.has(key)) violations.push(`${label}: asks to change providers (${where}) — routes and keys come only from the user's configuration`);
      visit(item, at);
    }
  };
  visit(raw, []);
  return violations;
}

/** What a well-formed lesson asks that its context does not allow: the gate's `policy_violations`. */
export function lessonPolicyViolations(lesson: LessonBody | Lesson, context: AuthorityContext, label = 'lesson'): string[] {
  const violations: string[] = [];
  if (lesson.scope.repository !== context.repository) {
    violations.push(`${label}: belongs to another repository (${lesson.scope.repository.slice(0, 16)}…, this one is ${context.repository.slice(0, 16)}…) — lessons never cross repositories`);
  }
  switch (lesson.kind) {
    case 'regression_test':
      if (!context.declaredCommands.has(lesson.content.command.trim())) {
        violations.push(`${label}: asks to run a new command "${lesson.content.command}" — a regression test may only use a command a workflow source or the configuration (learning.test_commands) already declares`);
      }
      break;
    case 'cache_policy_patch': {
      const { role, route, cross_run: crossRun } = lesson.content;
      if (route !== undefined && !context.configuredRoutes(role).includes(route)) {
        violations.push(`${label}: routes role "${role}" to ${route}, which the configuration does not list for that role — a lesson only chooses among configured routes`);
      }
      if (crossRun !== undefined && CROSS_RUN_ORDER.indexOf(crossRun) > CROSS_RUN_ORDER.indexOf(context.crossRun)) {
        violations.push(`${label}: relaxes cross-run memo reuse for role "${role}" to ${crossRun} beyond the configuration's ${context.crossRun} — a lesson may only narrow it`);
      }
      break;
    }
    case 'note':
    case 'skill_patch':
    case 'authoring_prompt_patch':
    case 'workflow_recipe':
    case 'branch_heuristic':
      break;
  }
  return violations;
}

const CROSS_RUN_ORDER = ['never', 'deterministic', 'always'] as const;
