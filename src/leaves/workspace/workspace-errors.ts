import { WhaleflowError } from '../../util/index.js';

/** A path a leaf asked for resolves outside its workspace or its file scope. */
export class PathOutsideWorkspaceError extends WhaleflowError {
  override readonly name = 'PathOutsideWorkspaceError';
  constructor(
    readonly requestedPath: string,
    readonly why: 'outside_workspace' | 'outside_file_scope',
  ) {
    super(
      why === 'outside_workspace'
        ? `path "${requestedPath}" resolves outside the workspace`
        : `path "${requestedPath}" is outside the leaf's file_scope`,
    );
  }
}

/** A git operation a workspace needs failed (not a repository, no commit yet, git missing…). */
export class WorkspaceError extends WhaleflowError {
  override readonly name = 'WorkspaceError';
  constructor(
    message: string,
    readonly stderr: string = '',
    options?: { cause?: unknown },
  ) {
    super(stderr ? `${message}: ${stderr.trim()}` : message, options);
  }
}

/** A recorded diff does not apply to the working tree. */
export class DiffDoesNotApplyError extends WhaleflowError {
  override readonly name = 'DiffDoesNotApplyError';
  constructor(
    readonly gitMessage: string,
    message: string,
  ) {
    super(message);
  }
}
