import type { WorkflowSpec } from '../../ir/index.js';
import type { UnusableRoute } from '../../wiring/index.js';

/**
 * The pre-flight's refusal when a model route the run needs cannot be used (an API key
 * environment variable unset, a role without a route) — printed before anything starts, as a
 * permission refusal is, instead of every leaf failing at its first model call. Only configured
 * providers have routes to check, and only then is the composition root loaded to word them
 * (a mock run never loads the real leaves it wires).
 */
export async function credentialRefusal(
  composed: { readonly unusableRoutes?: (spec: WorkflowSpec, skip?: (nodeId: string) => boolean) => UnusableRoute[] },
  spec: WorkflowSpec,
  skip?: (nodeId: string) => boolean,
): Promise<string | undefined> {
  const routes = composed.unusableRoutes?.(spec, skip) ?? [];
  if (routes.length === 0) return undefined;
  const { describeUnusableRoutes } = await import('../../wiring/index.js');
  const lines = describeUnusableRoutes(routes).map((line) => `  ${line}\n`).join('');
  return `whaleflow: the workflow needs model routes that cannot be used:\n${lines}set the variables (\`whaleflow providers\` shows every route and key), or run offline with --provider mock-model\nnot started.\n`;
}
