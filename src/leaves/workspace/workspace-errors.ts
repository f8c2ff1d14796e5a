import { assertNever, WhaleflowError } from '../../util/index.js';

/** A path a leaf asked for resolves outside its workspace or its file scope. */
export class PathOutsideWorkspaceError extends WhaleflowError {
  override readonly name = 'PathOutsideWorkspaceError';
  constructor(
    readonly requestedPath: string,
    readonly why: 'outside_workspace' | 'outside_file_scope' | 'protected_state',
  ) {
    super(describeRefusal(requestedPath, why));
  }
}

function describeRefusal(requestedPath: string, why: PathOutsideWorkspaceError['why']): string {
  switch (why) {
    case 'outside_workspace':
      return `path "${requestedPath}" resolves outside the workspace`;
    case 'outside_file_scope':
      return `path "${requestedPath}" is outside the leaf's file_scope`;
    case 'protected_state':
      return `path "${requestedPath}" is git's or WhaleFlow's own state (.git, .whaleflow, the configuration), which no leaf may reach`;
    default:
      return assertNever(why, 'refusal');
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

/** A recorded diff touches git's or WhaleFlow's own state; it is never applied. */
export class ProtectedPathInDiffError extends WhaleflowError {
  override readonly name = 'ProtectedPathInDiffError';
  constructor(readonly paths: readonly string[]) {
    super(`the diff touches ${paths.map((path) => `"${path}"`).join(', ')}, git's or WhaleFlow's own state (.git, .whaleflow, the configuration); nothing was applied`);
  }
}
