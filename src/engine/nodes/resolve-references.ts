import type { NodeResult } from '../../ir/index.js';
import type { Entry } from '../run/result-registry.js';
import type { NodeContext } from '../run/run-context.js';

export interface ResolvedReferences {
  /** Results of the producers that settled, by id (absent producers are missing). */
  readonly results: ReadonlyMap<string, NodeResult>;
  /** The same results in the order the ids were named (undefined where a producer never ran): a fan-in reads them so. */
  readonly inOrder: readonly (NodeResult | undefined)[];
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
  const targets = index.waitTargets(ids, consumerId);
  // Waited for themselves (no loop between): each producer's entry is kept as it is waited for,
  // and its result read there, not looked up again (two lookups per input of a 10,000-leaf fan-in).
  const entries = targets === ids ? new Array<Entry>(ids.length) : undefined;
  const waiting = registry.waitForAll(targets, entries);
  if (waiting) await waiting;
  const inOrder = new Array<NodeResult | undefined>(ids.length);
  const problems: string[] = [];
  for (let position = 0; position < ids.length; position += 1) {
    const id = ids[position]!;
    // A producer read through its loop (waitTarget) has its own entry too: the loop's last iteration's.
    const result = (entries ? entries[position]!.outcome : registry.peek(id)) ?? undefined;
    inOrder[position] = result;
    if (!result) problems.push(`${field} names "${id}", which did not run`);
    else if (result.status !== 'succeeded') problems.push(`${field} names "${id}", which ended ${result.status}${result.error ? ` (${result.error})` : ''}`);
  }
  return new References(ids, inOrder, problems);
}

/**
 * The results by id are made only when asked for: a fan-in over 10,000 leaves reads them in
 * order (`inOrder`), and a map of 10,000 entries it never reads cost it as much as its prompt.
 */
class References implements ResolvedReferences {
  private byId: Map<string, NodeResult> | undefined;

  constructor(
    private readonly ids: readonly string[],
    readonly inOrder: readonly (NodeResult | undefined)[],
    readonly problems: readonly string[],
  ) {}

  get results(): ReadonlyMap<string, NodeResult> {
    if (!this.byId) {
      this.byId = new Map();
      this.ids.forEach((id, position) => {
        const result = this.inOrder[position];
        if (result) this.byId!.set(id, result);
      });
    }
    return this.byId;
  }
}

/** Waits for producers without judging them (tournaments and reviews look at failures too). */
export async function waitForReferences(context: NodeContext, consumerId: string, ids: readonly string[]): Promise<void> {
  const { registry, index } = context.run;
  const waiting = registry.waitForAll(index.waitTargets(ids, consumerId));
  if (waiting) await waiting;
}
