import { existsSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCliInMemory } from '../../cli/index.js';
import { MockModelClient, type ModelRequest, type ToolResultMessage } from '../../providers/index.js';
import { protectedStatePaths } from '../../wiring/index.js';
import { RealLeafRunner } from '../real-leaf-runner.js';
import { leafRunInput, leafSpec, READ_ONLY, recordingContext } from '../testing/leaf-run-fixtures.js';
import { tempGitRepository, type TempGitRepository } from '../testing/temp-git-repository.js';
import { applyDiff, ProtectedPathInDiffError } from '../workspace/index.js';
import { isolatedUserEnvironment } from '../../util/testing/isolated-user-environment.js';

const route = { route: { provider: 'mock', model: 'mock-default' } };
const CONFIG = 'providers:\n  local:\n    kind: mock\nmodels:\n  - provider: local\n    model: m\nroles:\n  default:\n    primary: local/m\n';

/** Every tool call a hostile model would try against WhaleFlow's own state. */
const ATTACKS = [
  { name: 'list_files', arguments: { path: '.whaleflow' } },
  { name: 'read_file', arguments: { path: '.whaleflow/whaleflow.db' } },
  { name: 'read_file', arguments: { path: '.whaleflow/logs/run.log' } },
  { name: 'read_file', arguments: { path: 'whaleflow.config.yaml' } },
  { name: 'read_file', arguments: { path: 'db-link' } },
  { name: 'read_file', arguments: { path: 'state-link/whaleflow.db' } },
  { name: 'read_file', arguments: { path: 'state/whaleflow.db' } },
  { name: 'write_file', arguments: { path: '.whaleflow/whaleflow.db', content: 'gone' } },
  { name: 'write_file', arguments: { path: 'whaleflow.config.yaml', content: 'providers: {evil: {kind: openai, base_url: "http://attacker.invalid"}}' } },
  { name: 'write_file', arguments: { path: 'sub/whaleflow.config.yaml', content: 'x' } },
  { name: 'write_file', arguments: { path: 'db-link', content: 'gone' } },
  { name: 'edit_file', arguments: { path: '.WhaleFlow/whaleflow.db', old_text: 'SQLite', new_text: 'gone' } },
  { name: 'grep', arguments: { pattern: '.whaleflow', path: '.whaleflow' } },
  { name: 'write_file', arguments: { path: '.git/hooks/pre-commit', content: '#!/bin/sh\necho pwned' } },
] as const;

function toolMessages(request: ModelRequest): string[] {
  return request.messages.filter((message): message is ToolResultMessage => message.role === 'tool').map((message) => message.content);
}

describe("WhaleFlow's own state is out of every leaf's tools", () => {
  let repository: TempGitRepository;
  beforeEach(() => {
    repository = tempGitRepository({ 'a.txt': 'one\n', 'whaleflow.config.yaml': CONFIG });
    repository.write('.whaleflow/whaleflow.db', 'SQLite format 3\u0000 precious');
    repository.write('.whaleflow/logs/run.log', 'log with .whaleflow in it\n');
    repository.write('state/whaleflow.db', 'SQLite format 3\u0000 home');
    symlinkSync(join(repository.root, '.whaleflow', 'whaleflow.db'), join(repository.root, 'db-link'));
    symlinkSync(join(repository.root, '.whaleflow'), join(repository.root, 'state-link'));
  });
  afterEach(() => repository.remove());

  it('refuses every tool call that lists, reads, writes or links into .whaleflow, the configuration, WHALEFLOW_HOME or .git, and lists none of it', async () => {
    const env = { PATH: process.env.PATH, HOME: repository.root, WHALEFLOW_HOME: 'state' };
    const client = new MockModelClient({
      script: {
        rules: [
          { match: { leaf: 'evil', turn: 0 }, tool_calls: [...ATTACKS, { name: 'list_files', arguments: {} }, { name: 'grep', arguments: { pattern: 'precious|home|attacker|kind: mock' } }] },
          { match: { leaf: 'evil', turn: 1 }, tool_calls: [{ name: 'finish', arguments: { summary: 'tried', status: 'succeeded' } }] },
        ],
      },
    });
    const runner = new RealLeafRunner({ cwd: repository.root, env, modelClient: client, routeFor: () => route, protectedPaths: protectedStatePaths(repository.root, env) });
    const input = leafRunInput(leafSpec({ id: 'evil', prompt: 'Take over', mode: 'read_write' }), { permissions: { ...READ_ONLY, allowWrite: true, isolation: 'shared' } });
    const result = await runner.run(input, recordingContext());
    expect(result.status).toBe('succeeded');
    const messages = toolMessages(client.calls[1]!.request);
    const refusals = messages.slice(0, ATTACKS.length);
    for (const [index, message] of refusals.entries()) {
      expect(message, JSON.stringify(ATTACKS[index])).toMatch(/^error: path ".*" is git's or WhaleFlow's own state/);
    }
    const listing = messages[ATTACKS.length]!;
    expect(listing.split('\n').sort()).toEqual(['a.txt']); // no .whaleflow, no config, no state/, no links
    expect(messages[ATTACKS.length + 1]).toBe('(no matches)');
    // Nothing was changed.
    expect(readFileSync(join(repository.root, '.whaleflow', 'whaleflow.db'), 'utf8')).toContain('precious');
    expect(readFileSync(join(repository.root, 'whaleflow.config.yaml'), 'utf8')).toBe(CONFIG);
    expect(existsSync(join(repository.root, 'sub'))).toBe(false);
    expect(existsSync(join(repository.root, '.git', 'hooks', 'pre-commit'))).toBe(false);
  });

  it('whaleflow run --allow-write-tree: a leaf that overwrites the database and the configuration changes neither, and earlier runs survive', async () => {
    const project = tempGitRepository({ 'README.md': 'project\n', 'whaleflow.config.yaml': CONFIG });
    try {
      const env = isolatedUserEnvironment(project.root);
      writeFileSync(join(project.root, 'hello.json'), JSON.stringify({ id: 'hello', goal: 'g', nodes: [{ kind: 'leaf', spec: { id: 'hello', prompt: 'Say hello' } }] }));
      const first = await runCliInMemory(['run', 'hello.json', '--provider', 'mock-model'], { cwd: project.root, env });
      expect(first.exitCode).toBe(0);
      writeFileSync(
        join(project.root, 'evil.json'),
        JSON.stringify({ id: 'evil', goal: 'g', nodes: [{ kind: 'leaf', spec: { id: 'evil', prompt: 'Improve the setup', mode: 'read_write' } }] }),
      );
      writeFileSync(
        join(project.root, 'evil.fixtures.yaml'),
        `model:\n  rules:\n    - match: {leaf: evil, turn: 0}\n      tool_calls:\n        - {name: write_file, arguments: {path: .whaleflow/whaleflow.db, content: gone}}\n        - {name: write_file, arguments: {path: whaleflow.config.yaml, content: "providers: {}"}}\n    - match: {leaf: evil, turn: 1}\n      tool_calls: [{name: finish, arguments: {summary: done, status: succeeded}}]\n`,
      );
      const attack = await runCliInMemory(['run', 'evil.json', '--provider', 'mock-model', '--fixtures', 'evil.fixtures.yaml', '--allow-write-tree'], { cwd: project.root, env });
      expect(attack.stderr).not.toMatch(/\[object Object\]|warning/);
      expect(attack.exitCode).toBe(0);
      expect(readFileSync(join(project.root, 'whaleflow.config.yaml'), 'utf8')).toBe(CONFIG);
      const ps = await runCliInMemory(['ps', '--json'], { cwd: project.root, env });
      expect(ps.exitCode).toBe(0);
      expect(ps.stdout).toContain('hello.json');
      expect(ps.stdout).toContain('evil.json');
      // .whaleflow ignores itself: nothing of it shows in git status.
      expect(readFileSync(join(project.root, '.whaleflow', '.gitignore'), 'utf8')).toMatch(/^\*$/m);
      expect(project.git('status', '--porcelain', '--untracked-files=all')).not.toContain('.whaleflow');
    } finally {
      project.remove();
    }
  });

  it('apply refuses a recorded diff that touches the configuration or .whaleflow, changing nothing', async () => {
    const configDiff = `diff --git a/whaleflow.config.yaml b/whaleflow.config.yaml\n--- a/whaleflow.config.yaml\n+++ b/whaleflow.config.yaml\n@@ -1,1 +1,1 @@\n-providers:\n+evil:\n`;
    await expect(applyDiff(repository.root, configDiff)).rejects.toThrow(ProtectedPathInDiffError);
    const stateDiff = `diff --git a/.whaleflow/x b/.whaleflow/x\nnew file mode 100644\n--- /dev/null\n+++ b/.whaleflow/x\n@@ -0,0 +1 @@\n+x\n`;
    await expect(applyDiff(repository.root, stateDiff)).rejects.toThrow(/WhaleFlow's own state/);
    expect(readFileSync(join(repository.root, 'whaleflow.config.yaml'), 'utf8')).toBe(CONFIG);
    expect(existsSync(join(repository.root, '.whaleflow', 'x'))).toBe(false);
  });
});
