// A declarative workflow: plain data in JavaScript, read by WhaleFlow's parser and never run.
// Three readers check the docs against the code in parallel, a writer drafts fixes in its
// own worktree, and a reduce lists what changed.
//   whaleflow compile workflows/docs_refresh.workflow.js
import { workflow } from 'whaleflow';

export default workflow({
  id: 'docs-refresh',
  goal: 'Bring docs/ back in line with the code',
  budget: { max_tokens: 200000 },
  nodes: [
    {
      branch: {
        id: 'check-docs',
        description: 'Each reader compares one document with the code it describes.',
        children: [
          { search: { id: 'find-cli-commands', query: 'commander commands registered in src/cli', file_scope: ['src/cli/**'] } },
          { agent: { id: 'check-ir-doc', prompt: 'Compare docs/ir.md with src/ir/schema; list every field that is missing or wrong.', agent_type: 'review', role: 'reviewer' } },
          { agent: { id: 'check-providers-doc', prompt: 'Compare docs/providers.md with src/providers; list stale statements.', agent_type: 'review', role: 'reviewer' } },
        ],
      },
    },
    {
      agent: {
        id: 'draft-doc-fixes',
        prompt: `Fix the stale statements the reviews found. Edit only files under docs/.`,
        agent_type: 'implementer',
        mode: 'read_write',
        isolation: 'worktree',
        file_scope: ['docs/**'],
        depends_on_results: ['find-cli-commands', 'check-ir-doc', 'check-providers-doc'],
        role: 'implementer',
      },
    },
    { shell: { id: 'docs-diff', command: 'git diff --stat -- docs' } },
    {
      reduce: {
        id: 'changes',
        inputs: ['draft-doc-fixes', 'docs-diff'],
        prompt: 'List the documentation changes, one line each, with the file.',
        role: 'reducer',
      },
    },
  ],
});
