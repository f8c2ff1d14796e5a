import type { LeafRunner, ModelGateway } from '../engine/index.js';
import { WhaleflowError } from '../util/index.js';

/** A replay tried to run something live although nothing may be. A bug if ever raised. */
export class LiveCallForbiddenError extends WhaleflowError {
  override readonly name = 'LiveCallForbiddenError';
}

/** Call counters for the ports a replay must not use; tests assert they stay at zero. */
export interface LiveCallCounts {
  leafRuns: number;
  gatewayCalls: number;
}

/**
 * A leaf runner and a gateway that refuse every call: what a pure replay runs with, so a
 * replay cannot reach a provider or a shell even if the boundary were wrong.
 */
export function forbiddenLivePorts(counts: LiveCallCounts = { leafRuns: 0, gatewayCalls: 0 }): {
  leafRunner: LeafRunner;
  gateway: ModelGateway;
  counts: LiveCallCounts;
} {
  return {
    counts,
    leafRunner: {
      run: async (input) => {
        counts.leafRuns++;
        throw new LiveCallForbiddenError(`replay tried to run leaf "${input.leaf.id}" live`);
      },
    },
    gateway: {
      complete: async (request) => {
        counts.gatewayCalls++;
        throw new LiveCallForbiddenError(`replay tried a model call for node "${request.nodeId}" live`);
      },
    },
  };
}

/** Wraps live ports with call counters (what `--allow-live` and `--from` run with). */
export function countLivePorts(leafRunner: LeafRunner, gateway: ModelGateway): { leafRunner: LeafRunner; gateway: ModelGateway; counts: LiveCallCounts } {
  const counts: LiveCallCounts = { leafRuns: 0, gatewayCalls: 0 };
  return {
    counts,
    leafRunner: {
      run: (input, context) => {
        counts.leafRuns++;
        return leafRunner.run(input, context);
      },
    },
    gateway: {
      complete: (request, signal) => {
        counts.gatewayCalls++;
        return gateway.complete(request, signal);
      },
    },
  };
}
