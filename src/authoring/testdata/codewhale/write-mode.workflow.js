export default workflow({
  goal: 'Fix the failing test',
  nodes: [
    { agent: { id: 'fixer', prompt: 'Fix the test', agent_type: 'implementer', mode: 'write', isolation: 'worktree' } },
  ],
});
