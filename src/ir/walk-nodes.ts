import { assertNever } from '../util/index.js';
import type { NodeSpec } from './schema/node-spec.js';
import type { WorkflowSpec } from './schema/workflow-spec.js';
import type { DocumentPath } from './source-map.js';

/** One list of child nodes of a container, with the field that holds it. */
export interface ChildList {
  readonly field: 'children' | 'then_nodes' | 'else_nodes' | 'template';
  readonly nodes: readonly NodeSpec[];
  /** Path of the list relative to the node (the template is a single node, not a list). */
  readonly relativePath: DocumentPath;
}

/** The child lists of a node, in declaration order. Leaves and reference nodes have none. */
export function childListsOf(node: NodeSpec): readonly ChildList[] {
  switch (node.kind) {
    case 'branch_set':
    case 'sequence':
    case 'loop_until':
      return [{ field: 'children', nodes: node.spec.children, relativePath: ['spec', 'children'] }];
    case 'cond':
      return [
        { field: 'then_nodes', nodes: node.spec.then_nodes, relativePath: ['spec', 'then_nodes'] },
        { field: 'else_nodes', nodes: node.spec.else_nodes, relativePath: ['spec', 'else_nodes'] },
      ];
    case 'expand':
      return node.spec.template
        ? [{ field: 'template', nodes: [node.spec.template], relativePath: ['spec', 'template'] }]
        : [];
    case 'leaf':
    case 'reduce':
    case 'teacher_review':
    case 'tournament':
    case 'pareto':
    case 'memory':
      return NO_CHILD_LISTS; // shared: asked of every node, most of which are leaves
    default:
      return assertNever(node, 'node kind');
  }
}

const NO_CHILD_LISTS: readonly ChildList[] = Object.freeze([]);

/** Where a node sits: its document path and its chain of container nodes (outermost first). */
export interface NodeLocation {
  readonly node: NodeSpec;
  /** Built when first read (diagnostics need it; a valid spec's leaves never do). */
  readonly path: DocumentPath;
  readonly ancestors: readonly NodeSpec[];
  /** Which child list of the parent holds it (`nodes` at the workflow root). */
  readonly listField: ChildList['field'] | 'nodes';
  readonly index: number;
}

/**
 * A location whose document path is computed on first read from its container's location.
 * Validation keeps one location per node for the whole gate; a materialised path array per node
 * (about 100 bytes each) was a large share of what validating a 100,000-leaf spec allocates.
 */
class LazyNodeLocation implements NodeLocation {
  // Declared, not initialized in the class body, and assigned once each in the constructor: a
  // field initializer (or a parameter property) defines every field as undefined before it is
  // assigned, and the gate makes one location per node in code that runs cold.
  declare readonly node: NodeSpec;
  declare readonly ancestors: readonly NodeSpec[];
  declare readonly listField: NodeLocation['listField'];
  declare readonly index: number;
  declare private readonly container: LazyNodeLocation | undefined;
  declare private readonly list: ChildList | undefined;
  declare private memoizedPath: DocumentPath | undefined;

  constructor(node: NodeSpec, ancestors: readonly NodeSpec[], listField: NodeLocation['listField'], index: number, container: LazyNodeLocation | undefined, list: ChildList | undefined) {
    this.node = node;
    this.ancestors = ancestors;
    this.listField = listField;
    this.index = index;
    this.container = container;
    this.list = list;
    this.memoizedPath = undefined;
  }

  get path(): DocumentPath {
    this.memoizedPath ??= this.container && this.list ? childPath(this.container.path, this.list, this.index) : ['nodes', this.index];
    return this.memoizedPath;
  }
}

/** Paths of the child nodes of a list. The template is one node, so its path has no index. */
function childPath(base: DocumentPath, list: ChildList, index: number): DocumentPath {
  return list.field === 'template' ? [...base, ...list.relativePath] : [...base, ...list.relativePath, index];
}

/** Visits every node depth-first in declaration order (pre-order). */
export function walkNodes(spec: WorkflowSpec, visit: (location: NodeLocation) => void): void {
  visitList(spec.nodes, undefined, undefined, [], visit);
}

/** Plain loops and no closures: the walk runs once per spec, cold, over every node of a wide one. */
function visitList(
  nodes: readonly NodeSpec[],
  container: LazyNodeLocation | undefined,
  list: ChildList | undefined,
  ancestors: readonly NodeSpec[],
  visit: (location: NodeLocation) => void,
): void {
  const field = list ? list.field : 'nodes';
  for (let index = 0; index < nodes.length; index += 1) {
    const node = nodes[index]!;
    const location = new LazyNodeLocation(node, ancestors, field, index, container, list);
    visit(location);
    if (node.kind === 'leaf') continue; // no children, the common case
    const lists = childListsOf(node);
    if (lists.length === 0) continue;
    const inner = [...ancestors, node];
    for (const childList of lists) visitList(childList.nodes, location, childList, inner, visit);
  }
}

/** Every node in declaration order with its location. */
export function listNodes(spec: WorkflowSpec): NodeLocation[] {
  const locations: NodeLocation[] = [];
  walkNodes(spec, (location) => locations.push(location));
  return locations;
}

/** The ids a node refers to, with the field each comes from (a field that names none may be left out). */
export function referencesOf(node: NodeSpec): readonly { readonly field: string; readonly ids: readonly string[] }[] {
  switch (node.kind) {
    case 'leaf':
      // A leaf's memory contexts are read from the memory nodes that load them: dataflow like its inputs.
      if (node.spec.memory) {
        return [
          { field: 'depends_on_results', ids: node.spec.depends_on_results },
          { field: 'memory.contexts', ids: node.spec.memory.contexts },
        ];
      }
      // Most leaves of a wide workflow refer to nothing: one shared answer instead of two objects per leaf.
      return node.spec.depends_on_results.length === 0 ? NO_REFERENCES : [{ field: 'depends_on_results', ids: node.spec.depends_on_results }];
    case 'memory':
      return node.spec.source.node !== undefined ? [{ field: 'source.node', ids: [node.spec.source.node] }] : [];
    case 'reduce':
      return [{ field: 'inputs', ids: node.spec.inputs }];
    case 'teacher_review':
    case 'tournament':
    case 'pareto':
      return [{ field: 'candidates', ids: node.spec.candidates }];
    case 'cond':
      return node.spec.when && 'tests_pass' in node.spec.when ? [{ field: 'when.tests_pass', ids: node.spec.when.tests_pass }] : [];
    case 'branch_set':
    case 'sequence':
    case 'loop_until':
    case 'expand':
      return NO_REFERENCES;
    default:
      return assertNever(node, 'node kind');
  }
}

const NO_REFERENCES: readonly { readonly field: string; readonly ids: readonly string[] }[] = Object.freeze([]);
