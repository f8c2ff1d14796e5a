/** Leaves that send the identical request (same prompt, same tools): a speculative fan-out's twins, as workflow YAML. */
export function twinsWorkflow(ids: readonly string[]): string {
  return [
    'id: twins',
    `goal: ${ids.length} identical explorers`,
    'nodes:',
    '  - kind: branch_set',
    '    spec:',
    '      id: fan',
    '      parallel: true',
    '      children:',
    ...ids.flatMap((id) => ['        - kind: leaf', '          spec:', `            id: ${id}`, '            prompt: Summarise the README in one line.', '            agent_type: explore']),
    '',
  ].join('\n');
}

/** Mock-model fixtures that answer every first turn with finish after `latencyMs`, so the twins' calls overlap. */
export function twinsFixtures(latencyMs: number): string {
  return ['model:', '  rules:', '    - match: {turn: 0}', `      latency_ms: ${latencyMs}`, '      usage: {input_tokens: 1000, output_tokens: 50}', '      tool_calls:', '        - {name: finish, arguments: {summary: "A demo project.", status: succeeded}}', ''].join('\n');
}
