// External memory is a sink like the trace: a file loaded into a context, and a model's
// memory_write, never put a known secret into the project database, and `memory export`
// writes a document that still imports (its sha256 describes the redacted text).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliInMemory } from '../cli/run-cli-in-memory.js';
import { tempGitRepository, type TempGitRepository } from '../leaves/testing/temp-git-repository.js';
import { memoryEnabledConfig } from './testing/memory-enabled-config.js';

/** A secret-named variable's value with a quote and a backslash, in a repository file and in the model's write. */
const SECRET = 'memory-"secret"\\value-7781';

const WORKFLOW = `
id: remember
goal: load a log that holds a secret, and let the model write it down
nodes:
  - kind: memory
    spec: {id: deploy_log, source: {files: ["logs/*.log"]}}
  - kind: leaf
    spec: {id: scribe, prompt: Keep notes, memory: {contexts: [deploy_log], access: write}}
`;

const MODEL = `model:
  rules:
    - match: {leaf: scribe, turn: 0}
      tool_calls: [{name: memory_write, arguments: {context: deploy_log, text: ${JSON.stringify(`noted: ${SECRET}`)}, append: true}}]
    - match: {leaf: scribe, turn: 1}
      tool_calls: [{name: finish, arguments: {summary: noted, status: succeeded}}]
`;

describe('memory contexts never hold a known secret', () => {
  let repository: TempGitRepository;
  const env = (): NodeJS.ProcessEnv => ({ PATH: process.env.PATH, HOME: repository.root, XDG_CONFIG_HOME: join(repository.root, '.config'), DEPLOY_TOKEN: SECRET });

  beforeAll(async () => {
    repository = tempGitRepository({ 'README.md': 'project\n', 'logs/deploy.log': `line one\ndeploy with ${SECRET}\nline three\n`, 'whaleflow.config.yaml': memoryEnabledConfig() });
    writeFileSync(join(repository.root, 'remember.yaml'), WORKFLOW);
    writeFileSync(join(repository.root, 'remember.fixtures.yaml'), MODEL);
    const run = await runCliInMemory(['run', 'remember.yaml', '--provider', 'mock-model', '--fixtures', 'remember.fixtures.yaml'], { cwd: repository.root, env: env() });
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
  }, 120_000);
  afterAll(() => repository?.remove());

  it('the database files hold neither the loaded secret nor the written one, in any form', () => {
    const directory = join(repository.root, '.whaleflow');
    for (const file of readdirSync(directory).filter((name) => name.startsWith('whaleflow.db'))) {
      const bytes = readFileSync(join(directory, file));
      for (const form of [SECRET, JSON.stringify(SECRET).slice(1, -1), 'secret"\\value']) expect(bytes.indexOf(Buffer.from(form)), `${file} holds ${form}`).toBe(-1);
    }
  });

  it('the context keeps its lines (the secret is [REDACTED] in place), and export → import round-trips', async () => {
    const shown = await runCliInMemory(['memory', 'show', 'deploy_log', '--lines', '1-5'], { cwd: repository.root, env: env() });
    expect(shown.stdout).toContain('deploy with [REDACTED]');
    expect(shown.stdout).toContain('line three');
    expect(shown.stdout).toContain('noted: [REDACTED]');
    const exported = await runCliInMemory(['memory', 'export', 'deploy_log', '--out', 'memory.json'], { cwd: repository.root, env: env() });
    expect(exported.exitCode, exported.stderr).toBe(0);
    const document = readFileSync(join(repository.root, 'memory.json'), 'utf8');
    expect(document).not.toContain('secret\\"\\\\value');
    const imported = await runCliInMemory(['memory', 'import', 'memory.json'], { cwd: repository.root, env: env() });
    expect(imported.exitCode, imported.stderr).toBe(0);
  });
});
