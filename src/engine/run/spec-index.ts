import { childListsOf, referencesOf, type NodeSpec, type WorkflowSpec } from '../../ir/index.js';

/**
 * Where every node sits, for dataflow waits: its parent and whether it lives in a loop body.
 * Expanded nodes are added when they are generated.
 */
export class SpecIndex {
  private readonly parents = new Map<string, NodeSpec | null>();
  private readonly externalReferences = new WeakMap<NodeSpec, readonly string[]>();

  constructor(spec: WorkflowSpec) {
    this.addList(spec.nodes, null);
  }

  addList(nodes: readonly NodeSpec[], parent: NodeSpec | null): void {
    const stack: { node: NodeSpec; parent: NodeSpec | null }[] = nodes.map((node) => ({ node, parent }));
    while (stack.length > 0) {
      const { node, parent: owner } = stack.pop()!;
      this.parents.set(node.spec.id, owner);
      for (const list of childListsOf(node)) for (const child of list.nodes) stack.push({ node: child, parent: node });
    }
  }

  has(id: string): boolean {
    return this.parents.has(id);
  }

  ids(): IterableIterator<string> {
    return this.parents.keys();
  }

  /**
   * The node to wait for before reading `producerId` from `consumerId`: a producer inside a loop
   * body the consumer is not in is final only when the outermost such loop has finished.
   */
  waitTarget(producerId: string, consumerId: string): string {
    const consumerAncestors = new Set<string>();
    for (let node = this.parents.get(consumerId); node; node = this.parents.get(node.spec.id)) consumerAncestors.add(node.spec.id);
    let target = producerId;
    for (let node = this.parents.get(producerId); node; node = this.parents.get(node.spec.id)) {
      if (consumerAncestors.has(node.spec.id)) break;
      if (node.kind === 'loop_until') target = node.spec.id;
    }
    return target;
  }

  /**
   * References from inside a node's subtree to nodes outside it, that must be settled before
   * the node may take a concurrency slot (so waiting never holds a slot a producer needs).
   * Tournament candidates are not blocking: a tournament watches them finish.
   */
  externalReferencesOf(node: NodeSpec): readonly string[] {
    const cached = this.externalReferences.get(node);
    if (cached) return cached;
    const inside = new Set<string>();
    const references: string[] = [];
    const stack = [node];
    while (stack.length > 0) {
      const current = stack.pop()!;
      inside.add(current.spec.id);
      if (current.kind !== 'tournament') for (const { ids } of referencesOf(current)) references.push(...ids);
      for (const list of childListsOf(current)) stack.push(...list.nodes);
    }
    const external = [...new Set(references.filter((id) => !inside.has(id)))];
    this.externalReferences.set(node, external);
    return external;
  }
}

/** Every node of a subtree, the node itself included. */
export function subtreeIds(node: NodeSpec): string[] {
  const ids: string[] = [];
  const stack = [node];
  while (stack.length > 0) {
    const current = stack.pop()!;
    ids.push(current.spec.id);
    for (const list of childListsOf(current)) stack.push(...list.nodes);
  }
  return ids;
}
