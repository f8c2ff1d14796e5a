import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { listNodes, parseWorkflowSpec, validateSpec, type NodeSpec, type WorkflowSpec } from '../index.js';

// checkReferences searches for deadlocks only when a reference orders parallel siblings (or
// touches a template): containment and sequence order never deadlock, and a reference to an
// earlier node of a sequence adds no order they do not already impose. This holds the rule to
// an independent oracle: the whole event graph (start/finish of every node, containment,
// sequence order, every reference the gate accepted) has a cycle exactly when the gate reports one.

const ids = Array.from({ length: 8 }, (_, index) => `n${index}`);

interface Draft {
  kind: 'leaf' | 'branch_set' | 'sequence' | 'expand';
  parallel: boolean;
  deps: string[];
  children: Draft[];
}

const { draft } = fc.letrec<{ draft: Draft }>((tie) => ({
  draft: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({ kind: fc.constant('leaf' as const), parallel: fc.constant(false), deps: fc.uniqueArray(fc.constantFrom(...ids), { maxLength: 3 }), children: fc.constant<Draft[]>([]) }),
    fc.record({ kind: fc.constantFrom('branch_set' as const, 'sequence' as const), parallel: fc.boolean(), deps: fc.constant<string[]>([]), children: fc.array(tie('draft'), { maxLength: 3 }) }),
    fc.record({ kind: fc.constant('expand' as const), parallel: fc.constant(false), deps: fc.constant<string[]>([]), children: fc.array(tie('draft'), { minLength: 1, maxLength: 1 }) }),
  ),
}));

/** Raw nodes with ids n0, n1, … in pre-order (ids past the pool get their own, unreferenced). */
function toDocument(drafts: Draft[]): unknown {
  let next = 0;
  const build = (node: Draft): unknown => {
    const id = `n${next++}`;
    switch (node.kind) {
      case 'leaf':
        return { kind: 'leaf', spec: { id, prompt: 'p', depends_on_results: node.deps } };
      case 'branch_set':
        return { kind: 'branch_set', spec: { id, parallel: node.parallel, children: node.children.map(build) } };
      case 'sequence':
        return { kind: 'sequence', spec: { id, children: node.children.map(build) } };
      case 'expand':
        return { kind: 'expand', spec: { id, source: 'plan', max_children: 2, template: build(node.children[0]!) } };
    }
  };
  return { goal: 'g', nodes: drafts.map(build) };
}

/** Kahn's algorithm over the event graph, built here from scratch. */
function eventGraphHasCycle(spec: WorkflowSpec, accepted: (consumer: string, producer: string) => boolean): boolean {
  const locations = listNodes(spec);
  const index = new Map<NodeSpec, number>(locations.map((location, position) => [location.node, position]));
  const arcs: [number, number][] = [];
  const start = (node: NodeSpec) => 2 * index.get(node)!;
  const finish = (node: NodeSpec) => start(node) + 1;
  const inOrder = (nodes: readonly NodeSpec[]) => nodes.slice(1).forEach((node, position) => arcs.push([finish(nodes[position]!), start(node)]));
  inOrder(spec.nodes);
  for (const { node } of locations) {
    arcs.push([start(node), finish(node)]);
    const children = node.kind === 'branch_set' || node.kind === 'sequence' ? node.spec.children : [];
    for (const child of children) arcs.push([start(node), start(child)], [finish(child), finish(node)]);
    if (!(node.kind === 'branch_set' && node.spec.parallel)) inOrder(children);
    if (node.kind === 'leaf') {
      for (const producer of node.spec.depends_on_results) {
        const target = locations.find((location) => location.node.spec.id === producer);
        if (target && accepted(node.spec.id, producer)) arcs.push([finish(target.node), start(node)]);
      }
    }
  }
  const vertexCount = 2 * locations.length;
  const incoming = new Array<number>(vertexCount).fill(0);
  for (const [, to] of arcs) incoming[to]! += 1;
  const ready = incoming.flatMap((count, vertex) => (count === 0 ? [vertex] : []));
  let seen = 0;
  while (ready.length > 0) {
    const vertex = ready.pop()!;
    seen += 1;
    for (const [from, to] of arcs) if (from === vertex && --incoming[to]! === 0) ready.push(to);
  }
  return seen < vertexCount;
}

describe('reference cycles', () => {
  it('are reported exactly when the event graph of accepted references has one', () => {
    fc.assert(
      fc.property(fc.array(draft, { minLength: 1, maxLength: 4 }), (drafts) => {
        const parsed = parseWorkflowSpec(toDocument(drafts));
        expect(parsed.ok).toBe(true);
        if (!parsed.ok) return;
        const diagnostics = validateSpec(parsed.spec, { maxAgents: 1000, maxDepth: 100 });
        const refused = (consumer: string, producer: string) =>
          diagnostics.some(
            (diagnostic) =>
              diagnostic.nodeId === consumer &&
              diagnostic.code !== 'reference-cycle' &&
              diagnostic.field === 'depends_on_results' &&
              (diagnostic.message.includes(`names "${producer}"`) || (consumer === producer && diagnostic.code === 'self-reference')),
          );
        const reported = diagnostics.some((diagnostic) => diagnostic.code === 'reference-cycle');
        expect(reported).toBe(eventGraphHasCycle(parsed.spec, (consumer, producer) => !refused(consumer, producer)));
      }),
      { numRuns: 2000 },
    );
  });
});
