import { WhaleflowError } from '../util/index.js';

export interface RejectedRoute {
  readonly provider: string;
  readonly model: string;
  readonly why: string;
}

/** No configured model satisfies a role; the message names the role and why each candidate failed. */
export class RouteResolutionError extends WhaleflowError {
  override readonly name = 'RouteResolutionError';
  constructor(
    readonly role: string,
    readonly rejected: readonly RejectedRoute[],
    detail?: string,
  ) {
    const reasons = rejected.map((route) => `${route.provider}/${route.model}: ${route.why}`).join('; ');
    super(`no model is configured for role '${role}'${detail ? ` (${detail})` : ''}${reasons ? `: ${reasons}` : ''}`);
  }
}
