// Test support: a throwaway git repository with WhaleFlow's starter configuration (janitor
// settings replaced), the CLI run in-process against it, and its database file.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { starterConfigText } from '../../config/index.js';
import { runCliInMemory, type CapturedRun } from '../../cli/run-cli-in-memory.js';
import { tempGitRepository, type TempGitRepository } from '../../leaves/testing/temp-git-repository.js';
import { isolatedUserEnvironment } from '../../util/testing/isolated-user-environment.js';

export const REPOSITORY_ROOT = resolve(import.meta.dirname, '../../..');

export interface JanitorProject {
  readonly repository: TempGitRepository;
  readonly root: string;
  readonly env: NodeJS.ProcessEnv;
  readonly databasePath: string;
  cli(args: readonly string[]): Promise<CapturedRun>;
  /** Runs a workflow copied from workflows/ with the mock provider and returns its run id. */
  run(workflow: string, extra?: readonly string[]): Promise<string>;
  /** SHA-256 of the database file and whether a WAL with content is beside it. */
  fingerprint(): string;
  remove(): void;
}

/** The starter configuration with `janitor:` replaced by `janitorYaml` (indented block, no key). */
export function configWithJanitor(janitorYaml: string, options: { memory?: boolean } = {}): string {
  let text = starterConfigText.replace(/\njanitor:\n[\s\S]*$/, `\njanitor:\n${janitorYaml}`);
  if (options.memory) text = text.replace(/^memory:\n {2}enabled: false/m, 'memory:\n  enabled: true');
  return text;
}

export function janitorProject(janitorYaml: string, options: { memory?: boolean; files?: Record<string, string> } = {}): JanitorProject {
  const repository = tempGitRepository({ 'README.md': 'project\n', 'whaleflow.config.yaml': configWithJanitor(janitorYaml, options), ...(options.files ?? {}) });
  const root = repository.root;
  const env = isolatedUserEnvironment(root);
  const databasePath = join(root, '.whaleflow', 'whaleflow.db');
  const cli = (args: readonly string[]) => runCliInMemory(args, { cwd: root, env });
  return {
    repository,
    root,
    env,
    databasePath,
    cli,
    async run(workflow, extra = []) {
      const target = join(root, workflow.split('/').at(-1)!);
      if (!existsSync(target)) copyFileSync(join(REPOSITORY_ROOT, workflow), target);
      const result = await cli(['run', target, '--json', ...extra]);
      if (result.exitCode !== 0 && !result.stdout.includes('"run_id"')) throw new Error(`run ${workflow} failed: ${result.stderr}`);
      return (JSON.parse(result.stdout) as { run_id: string }).run_id;
    },
    fingerprint() {
      const wal = `${databasePath}-wal`;
      const walBytes = existsSync(wal) ? readFileSync(wal).length : 0;
      return `${createHash('sha256').update(readFileSync(databasePath)).digest('hex')} wal=${walBytes}`;
    },
    remove: () => repository.remove(),
  };
}
