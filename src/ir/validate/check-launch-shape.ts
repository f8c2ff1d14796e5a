import { assertNever } from '../../util/index.js';
import type { NodeSpec } from '../schema/node-spec.js';
import type { DocumentPath } from '../source-map.js';
import { childListsOf } from '../walk-nodes.js';
import type { WorkflowSpec } from '../schema/workflow-spec.js';
import { DEFAULT_MAX_AGENTS, DEFAULT_MAX_DEPTH, ValidationContext, type NodeRule } from './validation-context.js';

interface Shape {
  agents: number;
  depth: number;
}

/** An expand whose shape is already known (the nodes a planner wrote), counted instead of its template × max_children. */
interface Replacement {
  readonly expandId: string;
  readonly shape: Readonly<Shape>;
}

/**
 * Launch-shape limits (CodeWhale's rule): a leaf counts one agent; a branch adds a level of
 * depth; a loop multiplies its body by max_iterations and an expand its template by
 * max_children (both required); a cond counts both arms. It sums over the tree (a container's
 * figures are its children's), so it walks the spec its own way, passing over leaves at once.
 */
export function checkLaunchShape(context: ValidationContext): NodeRule {
  return { finish: () => judgeLaunchShape(context) };
}

function judgeLaunchShape(context: ValidationContext): void {
  const maxAgents = context.options.maxAgents ?? DEFAULT_MAX_AGENTS;
  const maxDepth = context.options.maxDepth ?? DEFAULT_MAX_DEPTH;
  const total = shapeOfList(context, context.spec.nodes, (index) => ['nodes', index]);
  if (total.agents > maxAgents) {
    context.report('too-many-agents', `workflow may launch ${total.agents} agents, more than the limit of ${maxAgents}`, { path: ['nodes'] });
  }
  if (total.depth > maxDepth) {
    context.report('too-deep', `branches are nested ${total.depth} deep, more than the limit of ${maxDepth}`, { path: ['nodes'] });
  }
}

function shapeOfList(context: ValidationContext, nodes: readonly NodeSpec[], pathOf: (index: number) => DocumentPath, replacing?: Replacement): Shape {
  const shape: Shape = { agents: 0, depth: 0 };
  nodes.forEach((node, index) => {
    if (node.kind === 'leaf') {
      shape.agents += 1; // the common case, without a path or a shape of its own
      return;
    }
    const child = shapeOf(context, node, pathOf(index), replacing);
    shape.agents += child.agents;
    shape.depth = Math.max(shape.depth, child.depth);
  });
  return shape;
}

function shapeOfChildren(context: ValidationContext, node: NodeSpec, path: DocumentPath, replacing?: Replacement): Shape {
  const shape: Shape = { agents: 0, depth: 0 };
  for (const list of childListsOf(node)) {
    const inner = shapeOfList(context, list.nodes, (index) =>
      list.field === 'template' ? [...path, ...list.relativePath] : [...path, ...list.relativePath, index],
      replacing,
    );
    shape.agents += inner.agents;
    shape.depth = Math.max(shape.depth, inner.depth);
  }
  return shape;
}

function shapeOf(context: ValidationContext, node: NodeSpec, path: DocumentPath, replacing?: Replacement): Shape {
  const id = node.spec.id;
  switch (node.kind) {
    case 'leaf':
      return { agents: 1, depth: 0 };
    case 'branch_set': {
      const inner = shapeOfChildren(context, node, path, replacing);
      return { agents: inner.agents, depth: inner.depth + 1 };
    }
    case 'sequence':
    case 'cond':
      return shapeOfChildren(context, node, path, replacing);
    case 'loop_until': {
      const inner = shapeOfChildren(context, node, path, replacing);
      const iterations = node.spec.max_iterations;
      if (iterations === null) {
        context.report('missing-max-iterations', 'loop_until needs max_iterations to bound its launch shape', {
          path: [...path, 'spec', 'max_iterations'],
          nodeId: id,
          field: 'max_iterations',
        });
        return inner;
      }
      return { agents: inner.agents * iterations, depth: inner.depth };
    }
    case 'expand': {
      if (replacing?.expandId === id) return { ...replacing.shape };
      const { template, max_children: maxChildren } = node.spec;
      if (template === null) {
        context.report('missing-template', 'expand needs a template node', { path: [...path, 'spec', 'template'], nodeId: id, field: 'template' });
      }
      if (maxChildren === null) {
        context.report('missing-max-children', 'expand needs max_children to bound its launch shape', {
          path: [...path, 'spec', 'max_children'],
          nodeId: id,
          field: 'max_children',
        });
      }
      const inner = shapeOfChildren(context, node, path, replacing);
      return { agents: inner.agents * (maxChildren ?? 1), depth: inner.depth };
    }
    case 'reduce':
    case 'teacher_review':
    case 'tournament':
    case 'pareto':
    case 'memory':
      return { agents: 0, depth: 0 };
    default:
      return assertNever(node, 'node kind');
  }
}

/**
 * The launch shape of a spec without judging it (agents, branch depth). With `replacing`, one
 * expand counts as the shape of the nodes its planner wrote: the whole workflow as it would be
 * with that expansion in place, a static figure, so replay and resume judge it exactly as the run did.
 */
export function launchShapeOf(spec: WorkflowSpec, replacing?: Replacement): { readonly agents: number; readonly depth: number } {
  return shapeOfList(new ValidationContext(spec, {}), spec.nodes, (index) => ['nodes', index], replacing);
}
