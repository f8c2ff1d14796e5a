export default async function () {
  const fix = await task({
    description: 'Implement the smallest fix for the failing test in an isolated worktree',
    label: 'fixer',
    type: 'implementer',
    worktree: true,
    writeAuthority: 'worktree_write',
  });
  return fix;
}
