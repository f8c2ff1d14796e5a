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
 * loop the consumer is outside of is read after the whole loop finished.
 */
export async function resolveReferences(context: NodeContext, consumerId: string, ids: readonly string[], field: string): Promise<ResolvedReferences> {
  const { registry, index } = context.run;
  const results = new Map<string, NodeResult>();
  const problems: string[] = [];
  for (const id of ids) {
    const target = index.waitTarget(id, consumerId);
    const waited = registry.waitFor(target);
    const settled = waited instanceof Promise ? await waited : waited;
    const result = target === id ? settled : registry.peek(id);
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
  for (const id of ids) {
    const waited = registry.waitFor(index.waitTarget(id, consumerId));
    if (waited instanceof Promise) await waited;
  }
}
