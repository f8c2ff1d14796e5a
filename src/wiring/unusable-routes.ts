import { resolveRoute, RouteResolutionError, type RouteQuery, type WhaleflowConfig } from '../config/index.js';
import { leafRole, mergeModelPolicy as merge } from '../engine/index.js';
import { walkNodes, type ModelPolicy, type NodeSpec, type WorkflowSpec } from '../ir/index.js';
import { realLeafKind } from '../leaves/index.js';
import { assertNever } from '../util/index.js';

/** A model route some nodes of a workflow need and cannot use: its key is unset, or there is no route. */
export interface UnusableRoute {
  /** `provider/model`, or the role when no route resolves. */
  readonly route: string;
  readonly problem: string;
  /** The nodes that would call it, in declaration order. */
  readonly nodeIds: readonly string[];
}

/**
 * The pre-flight's credential check: every node that would call a model under this
 * configuration, resolved to its route the way the leaf runner and the gateway resolve it, and
 * the routes whose provider's API key environment variable is unset (or that do not resolve).
 * A run (or a resume) refuses to start on any, instead of failing at its first model call.
 * `skip` leaves out nodes that will not run live (a resume's finished leaves).
 */
export function unusableRoutes(spec: WorkflowSpec, config: WhaleflowConfig, env: NodeJS.ProcessEnv, skip: (nodeId: string) => boolean = () => false): UnusableRoute[] {
  const byRoute = new Map<string, { problem: string; nodeIds: string[] }>();
  walkNodes(spec, ({ node, ancestors }) => {
    if (skip(node.spec.id)) return;
    const query = modelQuery(node, inheritedPolicy(spec, ancestors));
    if (!query) return;
    const found = routeProblem(config, env, query);
    if (!found) return;
    const entry = byRoute.get(found.route) ?? { problem: found.problem, nodeIds: [] };
    entry.nodeIds.push(node.spec.id);
    byRoute.set(found.route, entry);
  });
  return [...byRoute].map(([route, { problem, nodeIds }]) => ({ route, problem, nodeIds }));
}

/** How `unusableRoutes` reads as refusal lines (at most a few node ids each). */
export function describeUnusableRoutes(routes: readonly UnusableRoute[]): string[] {
  return routes.map(({ route, problem, nodeIds }) => {
    const shown = nodeIds.slice(0, 5).join(', ');
    const more = nodeIds.length > 5 ? ` and ${nodeIds.length - 5} more` : '';
    return `${route}: ${problem} (needed by ${shown}${more})`;
  });
}

/** The model policy a node's calls carry: the workflow's, narrowed by each enclosing branch's (as the engine does). */
function inheritedPolicy(spec: WorkflowSpec, ancestors: readonly NodeSpec[]): ModelPolicy {
  let policy = spec.model_policy;
  for (const ancestor of ancestors) if (ancestor.kind === 'branch_set') policy = merge(policy, ancestor.spec.model_policy);
  return policy;
}

/** The route query of a node's model call, or undefined when the node calls no model. */
function modelQuery(node: NodeSpec, policy: ModelPolicy): RouteQuery | undefined {
  switch (node.kind) {
    case 'leaf':
      // Commands and plain searches run without a model; an agent turn calls one.
      return realLeafKind(node.spec) === 'agent' ? { role: leafRole(node.spec), agentType: node.spec.agent_type, modelPolicy: node.spec.model_policy } : undefined;
    case 'reduce':
      return { role: node.spec.role ?? 'reducer', modelPolicy: merge(policy, node.spec.model_policy) };
    case 'loop_until':
      return node.spec.until && 'tests_pass' in node.spec.until ? undefined : { role: 'judge', modelPolicy: policy };
    case 'cond':
      return node.spec.when && 'tests_pass' in node.spec.when ? undefined : { role: 'judge', modelPolicy: policy };
    case 'expand':
      return { role: node.spec.role ?? 'planner', modelPolicy: policy };
    case 'tournament':
      return node.spec.by === 'judge' ? { role: node.spec.role ?? 'judge', modelPolicy: policy } : undefined;
    case 'branch_set':
    case 'sequence':
    case 'teacher_review':
    case 'pareto':
    case 'memory':
      return undefined;
    default:
      return assertNever(node, 'node kind');
  }
}

function routeProblem(config: WhaleflowConfig, env: NodeJS.ProcessEnv, query: RouteQuery): { route: string; problem: string } | undefined {
  let resolved;
  try {
    resolved = resolveRoute(config, query);
  } catch (error) {
    if (error instanceof RouteResolutionError) return { route: `role ${query.role}`, problem: error.message };
    throw error;
  }
  const provider = config.providers.get(resolved.provider);
  if (!provider?.apiKeyEnv || env[provider.apiKeyEnv]) return undefined;
  return { route: `${resolved.provider}/${resolved.model}`, problem: `environment variable ${provider.apiKeyEnv} is not set` };
}
