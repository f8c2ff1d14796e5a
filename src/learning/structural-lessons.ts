import { hasErrors } from '../util/index.js';
import { listNodes, parseWorkflowSpec, referencesOf, validateSpec, type NodeSpec, type WorkflowSpec } from '../ir/index.js';
import { shortLessonId } from './lesson-id.js';
import type { Lesson, LessonContentOf } from './lesson-schema.js';

/** A mutable copy of the spec that structural lessons edit; parsed and validated again at the end. */
export interface DraftSpec {
  readonly document: { nodes: DraftNode[] } & Record<string, unknown>;
}

interface DraftNode {
  kind: NodeSpec['kind'];
  spec: { id: string; children?: DraftNode[]; then_nodes?: DraftNode[]; else_nodes?: DraftNode[]; candidates?: string[]; command?: string; [field: string]: unknown };
}

export type StructuralOutcome = { readonly applied: true; readonly effect: string } | { readonly applied: false; readonly reason: string };

export function draftOf(spec: WorkflowSpec): DraftSpec {
  return { document: JSON.parse(JSON.stringify(spec)) as DraftSpec['document'] };
}

/** The commands the workflow's own source declares: its test and shell leaves' commands. */
export function declaredCommandsOf(spec: WorkflowSpec): Set<string> {
  const commands = new Set<string>();
  for (const { node } of listNodes(spec)) if (node.kind === 'leaf' && node.spec.command !== undefined) commands.add(node.spec.command.trim());
  return commands;
}

/**
 * A regression test lesson adds one test leaf right after the workflow's last test leaf (its
 * test phase), running a command the workflow or the configuration already declares. It never
 * brings a permission: the leaf is read-only and inherits its container's permissions.
 */
export function addRegressionTest(draft: DraftSpec, lesson: Lesson & { kind: 'regression_test' }, declared: ReadonlySet<string>): StructuralOutcome {
  const content: LessonContentOf<'regression_test'> = lesson.content;
  const command = content.command.trim();
  if (!declared.has(command)) return { applied: false, reason: `its command "${command}" is not declared by this workflow or learning.test_commands` };
  const place = lastTestLeaf(draft.document.nodes);
  if (!place) return { applied: false, reason: 'the workflow has no test phase (no test leaf to add it after)' };
  const id = `lesson-${shortLessonId(lesson.id)}-${content.name ?? 'test'}`;
  if (findNode(draft.document.nodes, id)) return { applied: false, reason: `node "${id}" already exists` };
  place.list.splice(place.index + 1, 0, {
    kind: 'leaf',
    spec: { id, prompt: `Regression test from lesson ${shortLessonId(lesson.id)}: ${command}`, agent_type: 'verifier', command },
  });
  return { applied: true, effect: `test leaf ${id} after ${place.list[place.index]!.spec.id}` };
}

/**
 * A branch heuristic drops (or runs last) a candidate that has not been winning. Dropping is
 * refused when anything but tournaments/paretos refers to the node, or when a tournament would
 * be left with no candidate; both only take work away, never add authority.
 */
export function applyBranchHeuristic(draft: DraftSpec, lesson: Lesson & { kind: 'branch_heuristic' }): StructuralOutcome {
  const content: LessonContentOf<'branch_heuristic'> = lesson.content;
  const found = findNode(draft.document.nodes, content.node);
  if (!found) return { applied: false, reason: `the workflow has no node "${content.node}"` };
  if (content.action === 'run_last') {
    if (found.index === found.list.length - 1) return { applied: false, reason: `"${content.node}" already runs last` };
    const [node] = found.list.splice(found.index, 1);
    found.list.push(node!);
    return { applied: true, effect: `${content.node} runs last among its siblings` };
  }
  const selectors = allNodes(draft.document.nodes).filter((node) => (node.kind === 'tournament' || node.kind === 'pareto') && node.spec.candidates?.includes(content.node));
  if (selectors.length === 0) return { applied: false, reason: `"${content.node}" is not a tournament or pareto candidate` };
  if (selectors.some((node) => (node.spec.candidates?.length ?? 0) <= 1)) return { applied: false, reason: `dropping "${content.node}" would leave a selection with no candidate` };
  const dropped = new Set(subtreeIds(found.list[found.index]!));
  const readers = allNodes(draft.document.nodes).filter(
    (node) => !selectors.includes(node) && !dropped.has(node.spec.id) && referencesOf(node as unknown as NodeSpec).some(({ ids }) => ids.some((id) => dropped.has(id))),
  );
  if (readers.length > 0) return { applied: false, reason: `"${readers[0]!.spec.id}" reads "${content.node}"` };
  found.list.splice(found.index, 1);
  for (const selector of selectors) selector.spec.candidates = selector.spec.candidates!.filter((id) => id !== content.node);
  return { applied: true, effect: `dropped ${content.node} from ${selectors.map((node) => node.spec.id).join(', ')}` };
}

/** Parses and validates the edited spec; a structural lesson that broke it is reported, never run. */
export function finishDraft(draft: DraftSpec): { readonly spec: WorkflowSpec } | { readonly problem: string } {
  const parsed = parseWorkflowSpec(draft.document);
  if (!parsed.ok) return { problem: parsed.diagnostics[0]?.message ?? 'the edited workflow does not parse' };
  const diagnostics = validateSpec(parsed.spec);
  if (hasErrors(diagnostics)) return { problem: diagnostics.find((diagnostic) => diagnostic.severity === 'error')?.message ?? 'the edited workflow does not validate' };
  return { spec: parsed.spec };
}

function childLists(node: DraftNode): DraftNode[][] {
  return [node.spec.children, node.spec.then_nodes, node.spec.else_nodes].filter((list): list is DraftNode[] => Array.isArray(list));
}

function allNodes(nodes: DraftNode[]): DraftNode[] {
  return nodes.flatMap((node) => [node, ...childLists(node).flatMap(allNodes)]);
}

function subtreeIds(node: DraftNode): string[] {
  return [node.spec.id, ...childLists(node).flatMap((list) => list.flatMap(subtreeIds))];
}

function findNode(nodes: DraftNode[], id: string): { list: DraftNode[]; index: number } | undefined {
  for (let index = 0; index < nodes.length; index += 1) {
    const node = nodes[index]!;
    if (node.spec.id === id) return { list: nodes, index };
    for (const list of childLists(node)) {
      const inner = findNode(list, id);
      if (inner) return inner;
    }
  }
  return undefined;
}

/** The last test leaf (a leaf with a command) in declaration order, outside expand templates. */
function lastTestLeaf(nodes: DraftNode[]): { list: DraftNode[]; index: number } | undefined {
  let last: { list: DraftNode[]; index: number } | undefined;
  const visit = (list: DraftNode[]): void => {
    list.forEach((node, index) => {
      if (node.kind === 'leaf' && typeof node.spec.command === 'string') last = { list, index };
      for (const inner of childLists(node)) visit(inner);
    });
  };
  visit(nodes);
  return last;
}
