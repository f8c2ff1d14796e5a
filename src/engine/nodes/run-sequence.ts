import type { NodeOfKind, NodeResult } from '../../ir/index.js';
import type { NodeContext } from '../run/run-context.js';
import { containerResult } from './node-result.js';
import { runChildrenInOrder } from './run-children.js';

/** Children in declaration order; a failed child does not stop the ones after it (they may not depend on it). */
export async function runSequence(node: NodeOfKind<'sequence'>, context: NodeContext): Promise<NodeResult> {
  const children = await runChildrenInOrder(node.spec.children, context);
  return containerResult(node, children);
}
