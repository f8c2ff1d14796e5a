/** Exit codes every command shares. */
export const ExitCode = {
  ok: 0,
  /** Invalid input (a workflow that does not compile or validate) or a run that did not succeed. */
  failure: 1,
  /** The command line itself is wrong. */
  usage: 2,
  /** A bug in WhaleFlow. */
  internal: 70,
  /** Interrupted by the user (Ctrl-C). */
  interrupted: 130,
} as const;
