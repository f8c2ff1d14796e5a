import { childListsOf, type NodeSpec, type WorkflowSpec } from '../../ir/index.js';
import { WhaleflowError } from '../../util/index.js';

/** A workflow uses external memory but the run has no memory store (memory.enabled is off). */
export class MemoryDisabledError extends WhaleflowError {
  override readonly name = 'MemoryDisabledError';
  constructor(readonly nodeIds: readonly string[]) {
    super(
      `this workflow uses external memory (${nodeIds.map((id) => `"${id}"`).join(', ')}), which is off: set memory.enabled: true in whaleflow.config.yaml (docs/memory.md)`,
    );
  }
}

/** The memory nodes and the leaves that declare memory contexts, in declaration order. */
export function memoryUsers(spec: WorkflowSpec): string[] {
  const users: string[] = [];
  // Runs before every run without a store: a plain walk that allocates nothing per leaf.
  const visit = (nodes: readonly NodeSpec[]): void => {
    for (const node of nodes) {
      if (node.kind === 'leaf') {
        if (node.spec.memory) users.push(node.spec.id);
        continue;
      }
      if (node.kind === 'memory') users.push(node.spec.id);
      for (const list of childListsOf(node)) visit(list.nodes);
    }
  };
  visit(spec.nodes);
  return users;
}

/** Refuses, before anything runs, a workflow that needs the memory store the run does not have. */
export function refuseMemoryWithoutStore(spec: WorkflowSpec): void {
  const users = memoryUsers(spec);
  if (users.length > 0) throw new MemoryDisabledError(users);
}
