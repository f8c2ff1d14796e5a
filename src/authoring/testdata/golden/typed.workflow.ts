// TypeScript syntax around the data is ignored: type imports, interfaces, type arguments,
// `as const`, `satisfies`, non-null assertions and parentheses.
import type { WorkflowSpecInput } from 'whaleflow';
import { workflow } from 'whaleflow';

interface Note {
  readonly text: string;
}
type Unused = Note | null;

export default workflow<WorkflowSpecInput>(({
  id: 'typed',
  goal: `Check that TypeScript syntax is stripped`,
  nodes: [
    { agent: { id: 'a', prompt: 'while import async are fine in prompts', agent_type: 'general' } as const },
    { test: { id: 't', command: 'npx vitest run src/authoring', expect_exit: 0, budget: { timeout_secs: 300 } } },
    {
      loop_until: {
        id: 'retry',
        until: { tests_pass: ['t2'] },
        max_iterations: 2,
        children: [{ test: { id: 't2', command: 'npm test' } }],
      },
    },
    { tournament: { id: 'pick', candidates: ['a', 't'], by: 'score', min_score: -0.5 } },
    { kind: 'reduce', spec: { id: 'r', inputs: ['pick'], prompt: 'done' } }!,
  ],
} satisfies WorkflowSpecInput) as const);
