import { WhaleflowError } from '../../util/index.js';

/** How a user gets bwrap, or chooses to run without it. */
export const SANDBOX_REMEDY = 'install bubblewrap (Debian/Ubuntu: apt-get install bubblewrap) or pass --no-sandbox to run leaf commands unconfined';

/** A command must run, the sandbox cannot be made, and the user did not opt out with --no-sandbox. */
export class SandboxUnavailableError extends WhaleflowError {
  override readonly name = 'SandboxUnavailableError';
  constructor(readonly reason: string) {
    super(`leaf commands run in a bubblewrap sandbox, and ${reason}: ${SANDBOX_REMEDY}`);
  }
}
