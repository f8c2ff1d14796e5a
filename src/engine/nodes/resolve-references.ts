import type { NodeResult } from '../../ir/index.js';
import type { NodeContext } from '../run/run-context.js';

export interface ResolvedReferences {
  /** Results of the producers that settled, by id (absent producers are missing). */
  readonly results: ReadonlyMap<string, NodeResult>;
  /** One message per producer that failed or never ran; the consumer fails with them. */
  readonly problems: readonly string[];
}

/**
 * Waits for every producer a node refers to and reads its final result. A producer inside a
 * loop the consumer is outside of is read after the whole loop finished. All are waited for at
 * once (a settled node's result stays until the consumer is done: a loop resets its body only
 * between iterations), then read in the order named.
 */
export async function resolveReferences(context: NodeContext, consumerId: string, ids: readonly string[], field: string): Promise<ResolvedReferences> {
  const { registry, index } = context.run;
  const waiting = registry.waitForAll(ids.map((id) => index.waitTarget(id, consumerId)));
  if (waiting) await waiting;
  const results = new Map<string, NodeResult>();
  const problems: string[] = [];
  for (const id of ids) {
    // A producer read through its loop (waitTarget) has its own entry too: the loop's last iteration's.
    const result = registry.peek(id);
    if (!result) {
      problems.push(`${field} names "${id}", which did not run`);
    } else if (result.status !== 'succeeded') {
      problems.push(`${field} names "${id}", which ended ${result.status}${result.error ? ` (${result.error})` : ''}`);
      results.set(id, result);
    } else {
      results.set(id, result);
    }
  }
  return { results, problems };
}

/** Waits for producers without judging them (tournaments and reviews look at failures too). */
export async function waitForReferences(context: NodeContext, consumerId: string, ids: readonly string[]): Promise<void> {
  const { registry, index } = context.run;
  const waiting = registry.waitForAll(ids.map((id) => index.waitTarget(id, consumerId)));
  if (waiting) await waiting;
}
