import type { DocumentPath } from '../../ir/index.js';
import { canonicalAgentType, shorthandLeafFields } from '../leaf-shorthands.js';
import type { Plan, PlanPhase, PlanStep } from './plan-schema.js';

/** Told, for each IR path written, the plan path it came from (so diagnostics point into the plan). */
export type RecordOrigin = (irPath: DocumentPath, planPath: DocumentPath) => void;

type Raw = Record<string, unknown>;

/**
 * THE lowering of a plan to the raw IR document: each phase becomes a branch (parallel unless
 * the phase says otherwise), each step a leaf, `summary` a final reduce over every step, and
 * raw `nodes` are appended as they are. The result still has to pass the validation gate.
 */
export function lowerPlan(plan: Plan, recordOrigin: RecordOrigin = () => {}): Raw {
  const nodes: unknown[] = [];
  const stepIds: string[] = [];
  plan.phases.forEach((phase, phaseIndex) => {
    const path = ['nodes', nodes.length];
    recordOrigin(path, ['phases', phaseIndex]);
    nodes.push(lowerPhase(phase, phaseIndex, path, stepIds, recordOrigin));
  });
  plan.nodes.forEach((node, index) => {
    recordOrigin(['nodes', nodes.length], ['nodes', index]);
    nodes.push(node);
  });
  if (plan.summary !== undefined) {
    const summary = typeof plan.summary === 'string' ? { prompt: plan.summary } : plan.summary;
    recordOrigin(['nodes', nodes.length], ['summary']);
    nodes.push({ kind: 'reduce', spec: { id: summary.id ?? 'summary', inputs: stepIds, prompt: summary.prompt, ...(summary.role ? { role: summary.role } : {}) } });
  }
  return {
    ...(plan.id !== undefined ? { id: plan.id } : {}),
    goal: plan.goal,
    ...(plan.description !== undefined ? { description: plan.description } : {}),
    nodes,
  };
}

function lowerPhase(phase: PlanPhase, phaseIndex: number, path: DocumentPath, stepIds: string[], recordOrigin: RecordOrigin): Raw {
  const id = phase.id ?? `phase-${phaseIndex + 1}`;
  const children = phase.children.map((step, stepIndex) => {
    const childPath = [...path, 'spec', 'children', stepIndex];
    recordOrigin(childPath, ['phases', phaseIndex, 'children', stepIndex]);
    const leaf = lowerStep(step, step.id ?? `${id}-${stepIndex + 1}`, phase.parallel);
    stepIds.push(leaf.id as string);
    return { kind: 'leaf', spec: leaf };
  });
  return { kind: 'branch_set', spec: { id, ...(phase.title !== undefined ? { description: phase.title } : {}), parallel: phase.parallel, children } };
}

function lowerStep(step: PlanStep, id: string, inParallelPhase: boolean): Raw {
  const type = step.type ?? (step.command !== undefined ? 'test' : 'general');
  const leaf: Raw = { id };
  if (type === 'test' || type === 'shell' || type === 'search') {
    const fields = shorthandLeafFields(type, (type === 'search' ? step.prompt : step.command) ?? step.prompt ?? '');
    Object.assign(leaf, fields, step.prompt !== undefined && type !== 'search' ? { prompt: step.prompt } : {});
  } else {
    Object.assign(leaf, { prompt: step.prompt ?? '', agent_type: canonicalAgentType(type) });
    if (step.command !== undefined) leaf.command = step.command;
  }
  if (step.mode !== undefined) leaf.mode = step.mode;
  // A writer beside parallel siblings needs its own worktree to pass the gate; a plan that
  // gave no file scope gets one rather than a rejection.
  const isolation = step.isolation ?? (step.mode === 'read_write' && inParallelPhase && !step.file_scope?.length ? 'worktree' : undefined);
  if (isolation !== undefined) leaf.isolation = isolation;
  if (step.file_scope !== undefined) leaf.file_scope = step.file_scope;
  if (step.depends_on !== undefined) leaf.depends_on_results = step.depends_on;
  if (step.role !== undefined) leaf.role = step.role;
  return leaf;
}
