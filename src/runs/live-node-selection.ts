import { childListsOf, listNodes, referencesOf, type NodeSpec, type WorkflowSpec } from '../ir/index.js';
import { WhaleflowError } from '../util/index.js';

/** `--from NODE` named a node the workflow does not have. */
export class UnknownNodeError extends WhaleflowError {
  override readonly name = 'UnknownNodeError';
  constructor(
    readonly nodeId: string,
    readonly known: readonly string[],
  ) {
    const close = known.filter((id) => id.includes(nodeId) || nodeId.includes(id)).slice(0, 5);
    super(`the workflow has no node "${nodeId}"${close.length > 0 ? ` (did you mean ${close.map((id) => `"${id}"`).join(', ')}?)` : ''}`);
  }
}

function subtreeIds(node: NodeSpec, into: Set<string>): void {
  into.add(node.spec.id);
  for (const list of childListsOf(node)) for (const child of list.nodes) subtreeIds(child, into);
}

/**
 * The nodes `--from NODE` re-runs: the node and everything inside it, plus every node that
 * depends on it, transitively. A node depends on X when it references (depends_on_results,
 * inputs, candidates, tests_pass) X or a container holding a re-run node, since a container's
 * result is made of its children's. A loop holding a re-run node re-runs whole, because its
 * next iterations and its stop decision read what changed. Nodes that depend on none of
 * this keep their recorded results: this is graph-aware, not "everything after the change".
 */
export function selectLiveNodes(spec: WorkflowSpec, fromNodeId: string): Set<string> {
  const locations = listNodes(spec);
  const start = locations.find((location) => location.node.spec.id === fromNodeId);
  if (!start) throw new UnknownNodeError(fromNodeId, locations.map((location) => location.node.spec.id));
  const live = new Set<string>();
  const add = (node: NodeSpec): boolean => {
    if (live.has(node.spec.id)) return false;
    subtreeIds(node, live);
    return true;
  };
  add(start.node);
  for (let changed = true; changed; ) {
    changed = false;
    // What a reference to X sees change: X itself, or any container around a re-run node.
    const changedOutputs = new Set(live);
    for (const location of locations) {
      if (!live.has(location.node.spec.id)) continue;
      for (const ancestor of location.ancestors) {
        changedOutputs.add(ancestor.spec.id);
        if (ancestor.kind === 'loop_until') changed = add(ancestor) || changed;
      }
    }
    for (const { node } of locations) {
      if (live.has(node.spec.id)) continue;
      const readsChange = referencesOf(node).some(({ ids }) => ids.some((id) => changedOutputs.has(id)));
      if (readsChange) changed = add(node) || changed;
    }
  }
  return live;
}
