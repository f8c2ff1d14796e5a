import type { NodeKind } from '../ir/index.js';
import type { RunBudget } from './run-overview.js';

export interface SkeletonNode {
  readonly nodeId: string;
  readonly kind: NodeKind;
  readonly parentId: string | null;
  /** A leaf's prompt (or a node's description), for the TUI's drill-down. */
  readonly prompt: string | null;
  /** The declared role (else agent type), until node_started reports the one it ran with. */
  readonly role: string | null;
}

export interface SpecSkeleton {
  /** Every node the spec declares, parents before children, in declaration order. */
  readonly nodes: readonly SkeletonNode[];
  readonly budget: RunBudget;
}

const NO_BUDGET: RunBudget = { maxTokens: null, maxCostMicrousd: null, timeoutSecs: null };

/**
 * The node tree a run_started event's canonical spec declares, so views can show pending
 * leaves and a leaf total before anything ran. Walks the JSON generically (any
 * `{kind, spec: {id}}` object is a node; the nearest enclosing node is its parent), so it
 * keeps working when node kinds gain fields. Nodes an expand adds at run time are not here,
 * and neither is an expand's `template`: it is the pattern the planner follows, never run
 * itself, so counting it would leave a pending leaf in every finished run ("3/4 leaves").
 */
export function specSkeleton(canonicalSpec: string): SpecSkeleton {
  let parsed: unknown;
  try {
    parsed = JSON.parse(canonicalSpec);
  } catch {
    return { nodes: [], budget: NO_BUDGET };
  }
  const nodes: SkeletonNode[] = [];
  const visit = (value: unknown, parentId: string | null): void => {
    if (Array.isArray(value)) {
      for (const item of value) visit(item, parentId);
      return;
    }
    if (!value || typeof value !== 'object') return;
    const record = value as Record<string, unknown>;
    const spec = record.spec as Record<string, unknown> | undefined;
    if (typeof record.kind === 'string' && spec && typeof spec === 'object' && typeof spec.id === 'string') {
      nodes.push({ nodeId: spec.id, kind: record.kind as NodeKind, parentId, prompt: promptOf(spec), role: roleOf(spec) });
      for (const [field, child] of Object.entries(spec)) if (!(record.kind === 'expand' && field === 'template')) visit(child, spec.id);
      return;
    }
    for (const child of Object.values(record)) visit(child, parentId);
  };
  const root = parsed as Record<string, unknown> | null;
  visit(root?.nodes, null);
  return { nodes, budget: budgetOf(root?.budget) };
}

function budgetOf(value: unknown): RunBudget {
  if (!value || typeof value !== 'object') return NO_BUDGET;
  const budget = value as Record<string, unknown>;
  const numberOrNull = (field: unknown): number | null => (typeof field === 'number' ? field : null);
  return { maxTokens: numberOrNull(budget.max_tokens), maxCostMicrousd: numberOrNull(budget.max_cost_microusd), timeoutSecs: numberOrNull(budget.timeout_secs) };
}

function promptOf(spec: Record<string, unknown>): string | null {
  if (typeof spec.prompt === 'string') return spec.prompt;
  return typeof spec.description === 'string' ? spec.description : null;
}

function roleOf(spec: Record<string, unknown>): string | null {
  if (typeof spec.role === 'string') return spec.role;
  return typeof spec.agent_type === 'string' ? spec.agent_type : null;
}
