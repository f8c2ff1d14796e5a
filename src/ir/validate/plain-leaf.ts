import type { NodeSpec } from '../schema/node-spec.js';
import { UNDECLARED_PERMISSIONS } from '../schema/permission-spec.js';

/**
 * A leaf with nothing for most rules to judge: it declares no permissions, writes nothing
 * (read_only, no file_scope), refers to no node, uses no memory and runs no command. Only its id
 * and its prompt can be wrong; the rules that judge nothing else (`skipsPlainLeaves`) are not
 * shown it. A wide fan-out is thousands of such leaves, and the gate runs once per process, cold:
 * each rule shown each leaf cost about as much as the leaf's own checks.
 */
export function isPlainLeaf(node: NodeSpec): boolean {
  if (node.kind !== 'leaf') return false;
  const spec = node.spec;
  return (
    spec.permissions === UNDECLARED_PERMISSIONS &&
    spec.mode === 'read_only' &&
    spec.file_scope.length === 0 &&
    spec.depends_on_results.length === 0 &&
    spec.memory === undefined &&
    spec.command === undefined
  );
}
