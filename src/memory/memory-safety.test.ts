import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliInMemory } from '../cli/run-cli-in-memory.js';
import type { RunEvent } from '../engine/index.js';
import { tempGitRepository, type TempGitRepository } from '../leaves/testing/temp-git-repository.js';
import { openProjectTrace } from '../trace/index.js';
import { memoryEnabledConfig } from './testing/memory-enabled-config.js';
import { isolatedUserEnvironment } from '../util/testing/isolated-user-environment.js';

const SECRET_LINE = 'deploy key rotated: the-secret-context-text-42';

const WORKFLOW = `
id: reach
goal: leaves try to reach memory they were not given
nodes:
  - kind: memory
    spec: {id: secret_log, source: {files: ["logs/*.log"]}}
  - kind: memory
    spec: {id: notes, source: {command: "echo notes"}}
  - kind: leaf
    spec: {id: outsider, prompt: Look around}
  - kind: leaf
    spec: {id: neighbour, prompt: Read your notes, memory: [notes]}
`;

/** The model asks for the context by name, for WhaleFlow's own database, and for a write it was not given. */
const ADVERSARY = `model:
  rules:
    - match: {leaf: outsider, turn: 0}
      tool_calls: [{name: memory_search, arguments: {context: secret_log, pattern: "key"}}]
    - match: {leaf: outsider, turn: 1}
      tool_calls: [{name: finish, arguments: {summary: nothing found, status: succeeded}}]
    - match: {leaf: neighbour, turn: 0}
      tool_calls: [{name: memory_peek, arguments: {context: secret_log, start_line: 1}}]
    - match: {leaf: neighbour, turn: 1}
      tool_calls: [{name: memory_write, arguments: {context: notes, text: "overwritten"}}]
    - match: {leaf: neighbour, turn: 2}
      tool_calls: [{name: memory_peek, arguments: {context: notes, start_line: 1}}]
    - match: {leaf: neighbour, turn: 3}
      tool_calls: [{name: finish, arguments: {summary: read the notes, status: succeeded}}]
`;

describe('a leaf without the declaration cannot reach a memory context, whatever the model asks', () => {
  let repository: TempGitRepository;
  let events: RunEvent[];
  const transcriptOf = (leafId: string): string => {
    const done = events.find((event) => event.type === 'node_finished' && event.nodeId === leafId);
    const artifacts = (done?.type === 'node_finished' ? (done.details?.artifacts as { kind: string; content: string }[]) : undefined) ?? [];
    return artifacts.find((artifact) => artifact.kind === 'transcript')?.content ?? '';
  };

  beforeAll(async () => {
    repository = tempGitRepository({ 'README.md': 'project\n', 'logs/deploy.log': `${SECRET_LINE}\n`, 'whaleflow.config.yaml': memoryEnabledConfig() });
    writeFileSync(join(repository.root, 'reach.yaml'), WORKFLOW);
    writeFileSync(join(repository.root, 'reach.fixtures.yaml'), ADVERSARY);
    const env = isolatedUserEnvironment(repository.root);
    const run = await runCliInMemory(['run', 'reach.yaml', '--provider', 'mock-model', '--fixtures', 'reach.fixtures.yaml', '--json'], { cwd: repository.root, env });
    expect(run.exitCode, run.stderr).toBe(0);
    const trace = openProjectTrace({ cwd: repository.root, env });
    try {
      const runId = (JSON.parse(run.stdout) as { run_id: string }).run_id;
      events = trace.events(runId).map((stored) => stored.event);
    } finally {
      trace.close();
    }
  }, 60_000);
  afterAll(() => repository?.remove());

  it('a leaf that declares no memory is offered no memory tool: asking by name is an unknown tool', () => {
    const transcript = transcriptOf('outsider');
    expect(transcript).toContain('error: tool \\"memory_search\\" is not available to this leaf');
    expect(transcript).not.toContain('the-secret-context-text-42');
  });

  it('a leaf that declares another context is refused by the engine and nothing is performed or recorded', () => {
    const transcript = transcriptOf('neighbour');
    expect(transcript).toContain('context \\"secret_log\\" is not available to this leaf (it may use \\"notes\\")');
    expect(transcript).toContain('error: tool \\"memory_write\\" is not available to this leaf'); // read access offers no write tool
    expect(transcript).toContain('1\\tnotes'); // its own context works
    expect(transcript).not.toContain('the-secret-context-text-42');
    const leafMemoryEffects = events.filter((event) => event.type === 'effect_requested' && event.kind === 'memory' && event.scope.within !== undefined);
    expect(leafMemoryEffects.map((event) => (event.type === 'effect_requested' ? [event.scope.nodeId, (event.input as { op: string }).op] : []))).toEqual([['neighbour', 'peek']]);
  });
});
