import { describe, expect, it } from 'vitest';
import { compileWorkflowSource } from '../../authoring/index.js';
import { formatDiagnostic, InvalidInputError } from '../../util/index.js';

async function diagnosticsOf(file: string, text: string): Promise<string[]> {
  try {
    await compileWorkflowSource(file, text);
    return [];
  } catch (error) {
    if (!(error instanceof InvalidInputError)) throw error;
    return error.diagnostics.map((diagnostic) => formatDiagnostic(diagnostic));
  }
}

const yaml = (text: string) => diagnosticsOf('wf.yaml', text);
const memoryNode = (id: string, source: string, extra = '') => `  - kind: memory\n    spec: {id: ${id}, source: ${source}${extra}}\n`;
const reader = (id: string, memory: string, extra = '') => `  - kind: leaf\n    spec: {id: ${id}, prompt: read it, memory: ${memory}${extra}}\n`;

describe('validation of external memory', () => {
  it('accepts a memory node and a leaf that declares it', async () => {
    expect(await yaml(`goal: g\nnodes:\n${memoryNode('log', '{files: ["logs/*.log"]}')}${reader('ask', '[log]')}`)).toEqual([]);
  });

  it('refuses a context loaded from outside the node\'s file_scope, naming the node at file:line:col', async () => {
    const text = `goal: g\npermissions: {file_scope: ["src/**"]}\nnodes:\n${memoryNode('log', '{files: ["logs/*.log"]}')}`;
    expect(await yaml(text)).toEqual([
      'wf.yaml:5:38: node "log": source.files "logs/*.log" is outside the workflow\'s file_scope (src/**); a context can only be loaded from what the node may read',
    ]);
  });

  it('holds a branch scope and the node\'s own file_scope alike', async () => {
    const text = [
      'goal: g',
      'nodes:',
      '  - kind: branch_set',
      '    spec:',
      '      id: b',
      '      permissions: {file_scope: ["logs/**"]}',
      '      children:',
      '        - kind: memory',
      '          spec: {id: ok, source: {files: ["logs/a.log"]}}',
      '        - kind: memory',
      '          spec: {id: wide, source: {files: ["src/**"]}, file_scope: ["src/**"]}',
      '',
    ].join('\n');
    expect(await yaml(text)).toEqual([
      // Its own file_scope covers its files, but is itself wider than the branch allows.
      'wf.yaml:11:57: node "wide": file_scope src/** reaches outside branch "b"\'s file_scope',
    ]);
  });

  it("never loads WhaleFlow's or git's own state, or leaves the workspace", async () => {
    const text = `goal: g\nnodes:\n${memoryNode('state', '{files: [".whaleflow/whaleflow.db", ".git/config", "../other/x", "/etc/passwd", "conf/whaleflow.config.yaml"]}')}`;
    expect(await yaml(text)).toEqual([
      'wf.yaml:4:40: node "state": source.files ".whaleflow/whaleflow.db" names .whaleflow/, WhaleFlow\'s or git\'s own state, which is never loadable',
      'wf.yaml:4:67: node "state": source.files ".git/config" names .git/, WhaleFlow\'s or git\'s own state, which is never loadable',
      'wf.yaml:4:82: node "state": source.files "../other/x" leaves the workspace ("..")',
      'wf.yaml:4:96: node "state": source.files "/etc/passwd" is absolute; globs are relative to the workspace root',
      'wf.yaml:4:111: node "state": source.files "conf/whaleflow.config.yaml" names WhaleFlow\'s configuration, which is never loadable',
    ]);
  });

  it('a leaf reads a files context only when its own file_scope covers the files', async () => {
    const text = `goal: g\nnodes:\n${memoryNode('log', '{files: ["logs/*.log"]}')}${reader('ask', '[log]', ', file_scope: ["src/**"]')}`;
    expect(await yaml(text)).toEqual(['wf.yaml:6:38: node "ask": memory.contexts names "log", loaded from logs/*.log, outside leaf "ask"\'s file_scope (src/**)']);
  });

  it('memory.contexts must name memory nodes that finish before the leaf', async () => {
    const text = `goal: g\nnodes:\n${reader('early', '[log]')}${memoryNode('log', '{command: "cat big.log"}')}  - kind: leaf\n    spec: {id: other, prompt: p}\n${reader('wrong', '[other, missing]')}`;
    expect(await yaml(text)).toEqual([
      'wf.yaml:4:40: node "early": memory.contexts names "log", which runs after it in the workflow',
      'wf.yaml:10:40: node "wrong": memory.contexts names "missing", which is not a node of this workflow',
      'wf.yaml:10:40: node "wrong": memory.contexts names "other", a leaf, not a memory node',
    ]);
  });

  it('context names are unique', async () => {
    const text = `goal: g\nnodes:\n${memoryNode('a', '{command: "x"}', ', name: shared')}${memoryNode('b', '{command: "y"}', ', name: shared')}`;
    expect(await yaml(text)).toEqual(['wf.yaml:6:43: node "b": loads context "shared", which "a" loads too; give one of them another name']);
  });

  it('a source is exactly one kind', async () => {
    const diagnostics = await yaml(`goal: g\nnodes:\n${memoryNode('c', '{command: "z", files: ["f"]}')}`);
    expect(diagnostics.join('\n')).toContain('a memory source is exactly one of files, command, node, document (got files and command)');
  });

  it('a source node must exist and finish first; a node source is a dataflow edge', async () => {
    const text = `goal: g\nnodes:\n  - kind: leaf\n    spec: {id: make, prompt: p}\n${memoryNode('made', '{node: make}')}${memoryNode('ghost', '{node: nobody}')}`;
    expect(await yaml(text)).toEqual(['wf.yaml:8:32: node "ghost": source.node names "nobody", which is not a node of this workflow']);
  });

  it('Starlark: the same refusal carries the call position', async () => {
    const star = [
      'log = memory(id = "log", files = ["logs/*.log"])',
      'workflow(goal = "g", permissions = {"file_scope": ["src/**"]}, nodes = [log, agent(id = "a", prompt = "p", memory = [log])])',
      '',
    ].join('\n');
    const diagnostics = await diagnosticsOf('wf.star', star);
    expect(diagnostics).toEqual([
      'wf.star:1:13: node "log": source.files "logs/*.log" is outside the workflow\'s file_scope (src/**); a context can only be loaded from what the node may read',
      'wf.star:2:83: node "a": memory.contexts names "log", loaded from logs/*.log, outside the workflow\'s file_scope (src/**)',
    ]);
  });

  it('Starlark: memory() needs exactly one source', async () => {
    const diagnostics = await diagnosticsOf('wf.star', 'workflow(goal = "g", nodes = [memory(id = "m", files = ["a"], command = "b")])\n');
    expect(diagnostics.join('\n')).toContain('memory needs exactly one source: files = [...], command = "...", node = <node>, or document = "..." (got files and command)');
  });
});
