import { parseWorkflowSpec, type WorkflowSpec, type WorkflowSpecInput } from '../../ir/index.js';

/** A parallel fan-out of `leafCount` leaves, then a few dependent leaves and a reduce. */
export function wideWorkflow(leafCount: number): WorkflowSpec {
  const leaves = Array.from({ length: leafCount }, (_, index) => ({ kind: 'leaf', spec: { id: `leaf-${index}`, prompt: `task ${index}` } }));
  const input = {
    id: 'wide',
    goal: `fan out ${leafCount} leaves`,
    nodes: [
      { kind: 'branch_set', spec: { id: 'fan', parallel: true, children: leaves } },
      { kind: 'leaf', spec: { id: 'check-first', prompt: 'check', depends_on_results: ['leaf-0', `leaf-${leafCount - 1}`] } },
      { kind: 'reduce', spec: { id: 'merge', inputs: ['check-first'], prompt: 'merge' } },
    ],
  } as WorkflowSpecInput;
  const parsed = parseWorkflowSpec(input);
  if (!parsed.ok) throw new Error(parsed.diagnostics.map((diagnostic) => diagnostic.message).join('\n'));
  return parsed.spec;
}
