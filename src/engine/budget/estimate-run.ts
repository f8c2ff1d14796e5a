import type { NodeSpec, WorkflowSpec } from '../../ir/index.js';
import { assertNever } from '../../util/index.js';

/** Prices and per-call token guesses used for the pre-flight estimate. */
export interface EstimatePricing {
  readonly inputUsdPerMillionTokens: number;
  readonly outputUsdPerMillionTokens: number;
  /** Tokens one agent leaf or model call is assumed to read (default 4,000). */
  readonly inputTokensPerCall?: number;
  /** Tokens one agent leaf or model call is assumed to write (default 1,000). */
  readonly outputTokensPerCall?: number;
}

export interface RunEstimate {
  /** Leaves the run may launch at most (loops at max_iterations, expands at max_children, both cond arms). */
  readonly leaves: number;
  /** Engine model calls at most: reduce, judge decisions, expansions (with one repair each). */
  readonly modelCalls: number;
  readonly tokens: number;
  /** Null when no pricing was given: unknown, never a made-up 0. */
  readonly costMicrousd: number | null;
}

const DEFAULT_INPUT_TOKENS = 4_000;
const DEFAULT_OUTPUT_TOKENS = 1_000;

interface Count {
  leaves: number;
  calls: number;
}

/** An upper-bound estimate of a run before it starts: leaf count × tokens per call × price. */
export function estimateRun(spec: WorkflowSpec, pricing?: EstimatePricing): RunEstimate {
  const count = countList(spec.nodes);
  const inputPerCall = pricing?.inputTokensPerCall ?? DEFAULT_INPUT_TOKENS;
  const outputPerCall = pricing?.outputTokensPerCall ?? DEFAULT_OUTPUT_TOKENS;
  const calls = count.leaves + count.calls;
  const cost = pricing
    ? Math.ceil(calls * (inputPerCall * pricing.inputUsdPerMillionTokens + outputPerCall * pricing.outputUsdPerMillionTokens))
    : null;
  return { leaves: count.leaves, modelCalls: count.calls, tokens: calls * (inputPerCall + outputPerCall), costMicrousd: cost };
}

function countList(nodes: readonly NodeSpec[]): Count {
  const total: Count = { leaves: 0, calls: 0 };
  for (let index = 0; index < nodes.length; index += 1) {
    const node = nodes[index]!;
    if (node.kind === 'leaf') {
      total.leaves += 1; // the common case, without a count of its own
      continue;
    }
    const count = countNode(node);
    total.leaves += count.leaves;
    total.calls += count.calls;
  }
  return total;
}

function countNode(node: NodeSpec): Count {
  switch (node.kind) {
    case 'leaf':
      return { leaves: 1, calls: 0 };
    case 'reduce':
      return { leaves: 0, calls: 1 };
    case 'branch_set':
    case 'sequence':
      return countList(node.spec.children);
    case 'loop_until': {
      const iterations = node.spec.max_iterations ?? 1;
      const body = countList(node.spec.children);
      const judged = node.spec.until && 'tests_pass' in node.spec.until ? 0 : 1;
      return { leaves: body.leaves * iterations, calls: (body.calls + judged) * iterations };
    }
    case 'cond': {
      const arms = countList([...node.spec.then_nodes, ...node.spec.else_nodes]);
      const judged = node.spec.when && 'tests_pass' in node.spec.when ? 0 : 1;
      return { leaves: arms.leaves, calls: arms.calls + judged };
    }
    case 'expand': {
      const children = node.spec.max_children ?? 1;
      const template = node.spec.template ? countNode(node.spec.template) : { leaves: 1, calls: 0 };
      return { leaves: template.leaves * children, calls: template.calls * children + 2 };
    }
    case 'tournament':
      return { leaves: 0, calls: node.spec.by === 'judge' ? 1 : 0 };
    case 'pareto':
    case 'teacher_review':
    case 'memory':
      return { leaves: 0, calls: 0 };
    default:
      return assertNever(node, 'node kind');
  }
}
