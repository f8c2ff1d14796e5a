import { execFile } from 'node:child_process';
import { WorkspaceError } from './workspace-errors.js';

export interface GitResult {
  readonly stdout: string;
  readonly stderr: string;
}

/** Large enough for any diff we record; a bigger one fails loudly rather than truncating. */
const MAX_GIT_OUTPUT_BYTES = 64 * 1024 * 1024;

/**
 * Runs git with arguments (never through a shell) in `cwd`. Hooks and the user's pager or
 * editor are kept out of the way so a run never blocks on a prompt.
 */
export function runGit(cwd: string, args: readonly string[], options: { input?: string } = {}): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'git',
      [...args],
      { cwd, maxBuffer: MAX_GIT_OUTPUT_BYTES, env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_PAGER: 'cat', GIT_EDITOR: 'true' } },
      (error, stdout, stderr) => {
        if (error) reject(new WorkspaceError(`git ${args[0]} failed`, String(stderr || error.message), { cause: error }));
        else resolve({ stdout: String(stdout), stderr: String(stderr) });
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

/** The top of the git working tree containing `cwd`. */
export async function gitTopLevel(cwd: string): Promise<string> {
  try {
    return (await runGit(cwd, ['rev-parse', '--show-toplevel'])).stdout.trim();
  } catch (error) {
    throw new WorkspaceError(`"${cwd}" is not inside a git repository (isolation: worktree needs one)`, '', { cause: error });
  }
}
