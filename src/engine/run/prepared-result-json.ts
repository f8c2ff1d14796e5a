import type { NodeResult, NodeSpec } from '../../ir/index.js';
import type { ResultRegistry } from './result-registry.js';

/**
 * Results the digest stringifies together, as recorded-result.ts batches them: one
 * `JSON.stringify` of up to this many childless nodes in a row.
 */
export const RESULT_JSON_BATCH = 128;

/** What is prepared at most per run (~450 characters a leaf: a few thousand leaves). */
const MAX_PREPARED_CHARS = 1 << 22;

interface PreparedBatch {
  readonly nodes: readonly NodeResult[];
  readonly json: string;
}

/**
 * The results digest's JSON of a fan-out's leaves, written while the run waits on its leaves'
 * answers instead of after the last one. run_finished carries the digest of every result, so the
 * JSON of 2,000 leaves' results (~3 ms on a cold engine) was written between the run's last
 * answer and its end: on a run of short leaves, wall time the run is not waiting on anything.
 * A batch is written in a turn of its own (setImmediate: after the turn's timers and I/O), once
 * every leaf of it has settled, and the digest takes it only for exactly the same result objects
 * in the same places (results are not changed once settled); anything else it writes itself, so
 * the digest's bytes never depend on what was prepared. Held to the run's end, so it stops past
 * MAX_PREPARED_CHARS: a very wide run must not hold its results' JSON twice at its end.
 */
export class PreparedResultJson {
  /** Prepared batches by their first result. */
  private readonly batches = new Map<NodeResult, PreparedBatch>();
  private chars = 0;

  /** The prepared JSON of nodes[start, end) (without its brackets), when it is exactly theirs. */
  jsonOf(nodes: readonly NodeResult[], start: number, end: number): string | undefined {
    const batch = this.batches.get(nodes[start]!);
    if (!batch || batch.nodes.length !== end - start) return undefined;
    for (let offset = 0; offset < batch.nodes.length; offset += 1) if (batch.nodes[offset] !== nodes[start + offset]) return undefined;
    return batch.json;
  }

  /**
   * A preparer for a parallel branch's children when they are all leaves (whose results are
   * childless, so the digest batches them from the list's start) and run once (outside loops).
   */
  preparerFor(children: readonly NodeSpec[], registry: ResultRegistry, window: number): BatchPreparer | undefined {
    if (children.length < RESULT_JSON_BATCH || this.chars >= MAX_PREPARED_CHARS) return undefined;
    for (const child of children) if (child.kind !== 'leaf') return undefined;
    return new BatchPreparer(children, registry, window, this);
  }

  /** Keeps a batch; false once the run holds as much as it may. */
  keep(nodes: readonly NodeResult[], json: string): boolean {
    if (this.chars >= MAX_PREPARED_CHARS) return false;
    this.chars += json.length;
    this.batches.set(nodes[0]!, { nodes, json });
    return true;
  }
}

/**
 * Writes a launch's batches in order as their leaves settle. The launch tells it how far it has
 * started (`started`); a batch is looked at once the launch is a window past it, when its leaves
 * have most likely settled, and a pass that finds one unsettled waits for a few more starts.
 */
export class BatchPreparer {
  private next = 0;
  private lookAt: number;
  private scheduled = false;
  private stopped = false;
  private readonly pass = (): void => {
    this.scheduled = false;
    if (!this.stopped) this.prepareSettled();
  };

  constructor(
    private readonly children: readonly NodeSpec[],
    private readonly registry: ResultRegistry,
    private readonly window: number,
    private readonly into: PreparedResultJson,
  ) {
    this.lookAt = RESULT_JSON_BATCH + window;
  }

  /** The launch has started `position` children. */
  started(position: number): void {
    if (position < this.lookAt || this.scheduled || this.stopped) return;
    this.scheduled = true;
    setImmediate(this.pass);
  }

  /** The launch is over: the digest comes next and writes what is left itself. */
  stop(): void {
    this.stopped = true;
  }

  private prepareSettled(): void {
    const { children, registry } = this;
    while (this.next + RESULT_JSON_BATCH <= children.length) {
      const nodes = new Array<NodeResult>(RESULT_JSON_BATCH);
      for (let offset = 0; offset < RESULT_JSON_BATCH; offset += 1) {
        const result = registry.peek(children[this.next + offset]!.spec.id);
        if (!result) {
          this.lookAt += Math.max(1, this.window >> 2);
          return;
        }
        nodes[offset] = result;
      }
      if (!this.into.keep(nodes, JSON.stringify(nodes).slice(1, -1))) {
        this.stopped = true;
        return;
      }
      this.next += RESULT_JSON_BATCH;
      this.lookAt = this.next + RESULT_JSON_BATCH + this.window;
    }
    this.stopped = true;
  }
}
