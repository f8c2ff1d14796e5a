import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface TempGitRepository {
  readonly root: string;
  git(...args: string[]): string;
  write(path: string, content: string): void;
  remove(): void;
}

/** A throwaway repository with the given files committed, for workspace and leaf tests. */
export function tempGitRepository(files: Readonly<Record<string, string>>): TempGitRepository {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'whaleflow-leaves-')));
  const git = (...args: string[]): string =>
    execFileSync('git', args, {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.invalid', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.invalid' },
    });
  const write = (path: string, content: string): void => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  };
  git('init', '--quiet', '--initial-branch=main');
  for (const [path, content] of Object.entries(files)) write(path, content);
  git('add', '--all');
  git('commit', '--quiet', '--no-gpg-sign', '-m', 'initial');
  return { root, git, write, remove: () => rmSync(root, { recursive: true, force: true }) };
}
