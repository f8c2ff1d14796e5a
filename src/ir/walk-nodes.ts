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
export function childListsOf(node: NodeSpec): ChildList[] {
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
      return [];
    default:
      return assertNever(node, 'node kind');
  }
}

/** Where a node sits: its document path and its chain of container nodes (outermost first). */
export interface NodeLocation {
  readonly node: NodeSpec;
  readonly path: DocumentPath;
  readonly ancestors: readonly NodeSpec[];
  /** Which child list of the parent holds it (`nodes` at the workflow root). */
  readonly listField: ChildList['field'] | 'nodes';
  readonly index: number;
}

/** Paths of the child nodes of a list. The template is one node, so its path has no index. */
function childPath(base: DocumentPath, list: ChildList, index: number): DocumentPath {
  return list.field === 'template' ? [...base, ...list.relativePath] : [...base, ...list.relativePath, index];
}

/** Visits every node depth-first in declaration order (pre-order). */
export function walkNodes(spec: WorkflowSpec, visit: (location: NodeLocation) => void): void {
  const visitList = (
    nodes: readonly NodeSpec[],
    pathOf: (index: number) => DocumentPath,
    ancestors: readonly NodeSpec[],
    listField: NodeLocation['listField'],
  ): void => {
    nodes.forEach((node, index) => {
      const path = pathOf(index);
      visit({ node, path, ancestors, listField, index });
      const inner = [...ancestors, node];
      for (const list of childListsOf(node)) {
        visitList(list.nodes, (childIndex) => childPath(path, list, childIndex), inner, list.field);
      }
    });
  };
  visitList(spec.nodes, (index) => ['nodes', index], [], 'nodes');
}

/** Every node in declaration order with its location. */
export function listNodes(spec: WorkflowSpec): NodeLocation[] {
  const locations: NodeLocation[] = [];
  walkNodes(spec, (location) => locations.push(location));
  return locations;
}

/** The ids a node refers to, with the field each comes from. */
export function referencesOf(node: NodeSpec): { field: string; ids: readonly string[] }[] {
  switch (node.kind) {
    case 'leaf':
      return [{ field: 'depends_on_results', ids: node.spec.depends_on_results }];
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
      return [];
    default:
      return assertNever(node, 'node kind');
  }
}
