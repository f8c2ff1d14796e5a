import { leafRole, overlayPartFor, type RunOverlay } from '../../engine/index.js';
import { assertNever } from '../../util/index.js';
import { childListsOf, listNodes, referencesOf, type NodeLocation, type NodeSpec, type WorkflowSpec } from '../../ir/index.js';

/**
 * The nodes a student replay must run live: what the candidate overlay changes against the
 * baseline's, and everything that depends on it. Everything else is served from the baseline's
 * trace, so only the changed requests and their dependents are paid.
 *
 * Changed: nodes the candidate spec adds (a regression test) or whose structure changed, leaves
 * and engine calls whose overlay part (advisory block, role policy) differs, selections whose
 * candidates changed. Dependents, transitively: readers of a changed node's output (references),
 * containers of a changed node (their result is their children's), a whole loop around a changed
 * node (its later iterations and stop decision read it) — as `replay --from` does — and, because
 * files are an implicit channel, every leaf that comes after a changed node that may write files.
 */
export function changedNodes(baseline: { spec: WorkflowSpec; overlay?: RunOverlay }, candidate: { spec: WorkflowSpec; overlay?: RunOverlay }): Set<string> {
  const before = new Map(listNodes(baseline.spec).map((location) => [location.node.spec.id, location.node]));
  const locations = listNodes(candidate.spec);
  const live = new Set<string>();
  for (const { node } of locations) {
    const previous = before.get(node.spec.id);
    if (!previous || structureDiffers(previous, node) || overlayDiffers(node, baseline.overlay, candidate.overlay)) live.add(node.spec.id);
  }
  return closeOverDependents(locations, live);
}

function structureDiffers(previous: NodeSpec, current: NodeSpec): boolean {
  if (previous.kind !== current.kind) return true;
  const own = (node: NodeSpec): string => JSON.stringify({ ...node.spec, children: undefined, then_nodes: undefined, else_nodes: undefined, template: undefined });
  if (own(previous) !== own(current)) return true;
  const ids = (node: NodeSpec): string => JSON.stringify(childListsOf(node).map((list) => list.nodes.map((child) => child.spec.id)));
  return ids(previous) !== ids(current);
}

function overlayDiffers(node: NodeSpec, before: RunOverlay | undefined, after: RunOverlay | undefined): boolean {
  const fingerprint = (overlay: RunOverlay | undefined, leafId: string | null, role: string): string | undefined =>
    overlay ? overlayPartFor(overlay, leafId, role)?.fingerprint : undefined;
  const differs = (leafId: string | null, role: string): boolean => fingerprint(before, leafId, role) !== fingerprint(after, leafId, role);
  switch (node.kind) {
    case 'leaf':
      return node.spec.command === undefined && differs(node.spec.id, leafRole(node.spec));
    case 'reduce':
      return differs(null, node.spec.role ?? 'reducer');
    case 'expand':
      return differs(null, node.spec.role ?? 'planner');
    case 'tournament':
      return node.spec.by === 'judge' && differs(null, node.spec.role ?? 'judge');
    case 'loop_until':
    case 'cond':
      return differs(null, 'judge');
    case 'branch_set':
    case 'sequence':
    case 'teacher_review':
    case 'pareto':
    case 'memory':
      return false;
    default:
      return assertNever(node, 'node kind');
  }
}

function subtree(node: NodeSpec, into: Set<string>): boolean {
  let added = false;
  if (!into.has(node.spec.id)) {
    into.add(node.spec.id);
    added = true;
  }
  for (const list of childListsOf(node)) for (const child of list.nodes) added = subtree(child, into) || added;
  return added;
}

function mayWrite(node: NodeSpec): boolean {
  if (node.kind === 'leaf') return node.spec.mode === 'read_write' || node.spec.command !== undefined;
  return childListsOf(node).some((list) => list.nodes.some(mayWrite));
}

function closeOverDependents(locations: readonly NodeLocation[], live: Set<string>): Set<string> {
  const order = new Map(locations.map((location, index) => [location.node.spec.id, index]));
  for (let changed = true; changed; ) {
    changed = false;
    // A changed node's own subtree runs live, and a loop around it re-runs whole.
    for (const location of locations) {
      if (!live.has(location.node.spec.id)) continue;
      changed = subtree(location.node, live) || changed;
      for (const ancestor of location.ancestors) if (ancestor.kind === 'loop_until') changed = subtree(ancestor, live) || changed;
    }
    // What a reader sees change: a changed node, or a container holding one.
    const changedOutputs = new Set(live);
    for (const location of locations) if (live.has(location.node.spec.id)) for (const ancestor of location.ancestors) changedOutputs.add(ancestor.spec.id);
    // Files: the first live writer changes what every leaf after it may read.
    const firstWriter = Math.min(...locations.filter((location) => live.has(location.node.spec.id) && mayWrite(location.node)).map((location) => order.get(location.node.spec.id)!));
    for (const location of locations) {
      const id = location.node.spec.id;
      if (live.has(id)) continue;
      const readsChange = referencesOf(location.node).some(({ ids }) => ids.some((ref) => changedOutputs.has(ref)));
      const afterWriter = location.node.kind === 'leaf' && order.get(id)! > firstWriter;
      if (readsChange || afterWriter) changed = subtree(location.node, live) || changed;
    }
  }
  return live;
}
