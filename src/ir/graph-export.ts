import { assertNever } from '../util/index.js';
import type { NodeSpec } from './schema/node-spec.js';
import type { WorkflowSpec } from './schema/workflow-spec.js';
import { describeMemorySource } from './schema/memory-spec.js';
import { childListsOf, referencesOf } from './walk-nodes.js';

export type GraphFormat = 'mermaid' | 'dot';

/** How a drawing marks one node, e.g. a run report colouring nodes by outcome (DOT only). */
export interface GraphNodeStyle {
  /** A colour Graphviz knows (`#d4f4dd`, `palegreen`…): the fill of a node, the border of a cluster. */
  readonly color: string;
  /** A second line under the node's label, e.g. its status. */
  readonly caption?: string;
}

export interface GraphOptions {
  readonly nodeStyle?: (node: NodeSpec) => GraphNodeStyle | undefined;
  /**
   * The nodes an expand added when it ran (a run report knows them from the trace): drawn in
   * its cluster, in the order they ran, instead of its template. Undefined: draw the template.
   */
  readonly expansion?: (expandId: string) => readonly NodeSpec[] | undefined;
}

const CONTAINER_KINDS = new Set<NodeSpec['kind']>(['branch_set', 'sequence', 'loop_until', 'cond', 'expand']);

/** Draws a workflow: containers as clusters, children in order, references as dashed edges. */
export function exportGraph(spec: WorkflowSpec, format: GraphFormat, options: GraphOptions = {}): string {
  switch (format) {
    case 'mermaid':
      return toMermaid(spec, options);
    case 'dot':
      return toDot(spec, options);
    default:
      return assertNever(format, 'graph format');
  }
}

/** Graph ids must be identifiers; node ids may hold any character. */
function graphId(index: number): string {
  return `n${index}`;
}

/** The lists drawn inside a node: its children, or for an expand that ran, what it expanded to. */
function drawnChildLists(node: NodeSpec, options: GraphOptions): readonly { readonly nodes: readonly NodeSpec[] }[] {
  const expanded = node.kind === 'expand' ? options.expansion?.(node.spec.id) : undefined;
  return expanded && expanded.length > 0 ? [{ nodes: expanded }] : childListsOf(node);
}

/** Every drawn node, numbered in drawing order (expanded nodes included, templates they replace not). */
function numberNodes(spec: WorkflowSpec, options: GraphOptions): Map<NodeSpec, number> {
  const numbers = new Map<NodeSpec, number>();
  const visit = (nodes: readonly NodeSpec[]): void => {
    for (const node of nodes) {
      numbers.set(node, numbers.size);
      for (const list of drawnChildLists(node, options)) visit(list.nodes);
    }
  };
  visit(spec.nodes);
  return numbers;
}

/**
 * Whether the children of a list run one after another, so an order edge between neighbours
 * is true. A parallel branch's children run side by side: edges between them would read as a
 * sequence. A template is one node; the top level and every other list run in order.
 */
function runsInOrder(container: NodeSpec | undefined): boolean {
  return !(container?.kind === 'branch_set' && container.spec.parallel);
}

function label(node: NodeSpec): string {
  if (node.kind === 'memory') return `${node.spec.id} (memory: ${describeMemorySource(node.spec.source)})`;
  return `${node.spec.id} (${node.kind === 'branch_set' ? (node.spec.parallel ? 'parallel' : 'branch') : node.kind})`;
}

/** Memory contexts are drawn as stores (a cylinder), and a leaf's reads of them as labelled edges. */
const MEMORY_EDGE_FIELD = 'memory.contexts';

function mermaidText(text: string): string {
  return `"${text.replace(/"/g, '#quot;')}"`;
}

function toMermaid(spec: WorkflowSpec, options: GraphOptions): string {
  const numbers = numberNodes(spec, options);
  const lines = ['flowchart TD'];
  const emit = (nodes: readonly NodeSpec[], container: NodeSpec | undefined, indent: string): void => {
    let previous: NodeSpec | undefined;
    for (const node of nodes) {
      const id = graphId(numbers.get(node)!);
      if (CONTAINER_KINDS.has(node.kind)) {
        lines.push(`${indent}subgraph ${id} [${mermaidText(label(node))}]`);
        for (const list of drawnChildLists(node, options)) emit(list.nodes, node, `${indent}  `);
        lines.push(`${indent}end`);
      } else if (node.kind === 'memory') {
        lines.push(`${indent}${id}[(${mermaidText(label(node))})]`);
      } else {
        lines.push(`${indent}${id}[${mermaidText(label(node))}]`);
      }
      if (previous && runsInOrder(container)) lines.push(`${indent}${graphId(numbers.get(previous)!)} --> ${id}`);
      previous = node;
    }
  };
  emit(spec.nodes, undefined, '  ');
  const byId = new Map([...numbers.keys()].map((node) => [node.spec.id, node]));
  for (const node of numbers.keys()) {
    for (const { field, ids } of referencesOf(node)) {
      for (const id of ids) {
        const producer = byId.get(id);
        const arrow = field === MEMORY_EDGE_FIELD ? '-. memory .->' : '-.->';
        if (producer) lines.push(`  ${graphId(numbers.get(producer)!)} ${arrow} ${graphId(numbers.get(node)!)}`);
      }
    }
  }
  return `${lines.join('\n')}\n`;
}

function dotText(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

function toDot(spec: WorkflowSpec, options: GraphOptions): string {
  const numbers = numberNodes(spec, options);
  const styled = (node: NodeSpec, cluster: boolean): { label: string; attributes: string } => {
    const style = options.nodeStyle?.(node);
    const text = style?.caption ? `${label(node)}\n${style.caption}` : label(node);
    if (!style) return { label: dotText(text), attributes: '' };
    return { label: dotText(text), attributes: cluster ? `color=${dotText(style.color)}; penwidth=2;` : `, style=filled, fillcolor=${dotText(style.color)}` };
  };
  const lines = ['digraph workflow {', '  compound=true;', '  node [shape=box];', `  label=${dotText(spec.goal)};`];
  const anchorOf = (node: NodeSpec): string => `${graphId(numbers.get(node)!)}_anchor`;
  const emit = (nodes: readonly NodeSpec[], container: NodeSpec | undefined, indent: string): void => {
    let previous: NodeSpec | undefined;
    for (const node of nodes) {
      const id = graphId(numbers.get(node)!);
      if (CONTAINER_KINDS.has(node.kind)) {
        const cluster = styled(node, true);
        lines.push(`${indent}subgraph cluster_${id} {`, `${indent}  label=${cluster.label};${cluster.attributes ? ` ${cluster.attributes}` : ''}`);
        lines.push(`${indent}  ${anchorOf(node)} [shape=point, style=invis];`);
        for (const list of drawnChildLists(node, options)) emit(list.nodes, node, `${indent}  `);
        lines.push(`${indent}}`);
      } else if (node.kind === 'memory') {
        const memory = styled(node, false);
        lines.push(`${indent}${id} [label=${memory.label}, shape=cylinder${memory.attributes}];`);
      } else {
        const plain = styled(node, false);
        lines.push(`${indent}${id} [label=${plain.label}${plain.attributes}];`);
      }
      if (previous && runsInOrder(container)) lines.push(`${indent}${endpoint(previous)} -> ${endpoint(node)};`);
      previous = node;
    }
  };
  const endpoint = (node: NodeSpec): string => (CONTAINER_KINDS.has(node.kind) ? anchorOf(node) : graphId(numbers.get(node)!));
  emit(spec.nodes, undefined, '  ');
  const byId = new Map([...numbers.keys()].map((node) => [node.spec.id, node]));
  for (const node of numbers.keys()) {
    for (const { field, ids } of referencesOf(node)) {
      for (const id of ids) {
        const producer = byId.get(id);
        const style = field === MEMORY_EDGE_FIELD ? 'style=dashed, label="memory"' : 'style=dashed';
        if (producer) lines.push(`  ${endpoint(producer)} -> ${endpoint(node)} [${style}];`);
      }
    }
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
