import type { LeafSpec } from '../../ir/index.js';

/**
 * Input hashes taken as run_started's text is written (see RunContext.rememberLeafJson), kept
 * until their leaves take them. The text writes leaves in declaration order, and the leaves of a
 * fan-out start in that order, so each finds its hash at the head of a queue: no map operation
 * per leaf. A map keyed by leaf cost three per leaf (set, get, delete), each of them a likely
 * cache miss in a table of thousands of entries on a cold run. Leaves that start in another
 * order (branches of sequences, a leaf never written) are served from a map from then on.
 */
export class WrittenInputHashes {
  private leaves: (LeafSpec | undefined)[] = [];
  private hashes: (string | undefined)[] = [];
  /** Where the queue starts: everything before it was taken. */
  private head = 0;
  /** Every hash not yet taken, once a leaf asked out of the queue's order. */
  private byLeaf: Map<LeafSpec, string> | undefined;

  add(leaf: LeafSpec, hash: string): void {
    if (this.byLeaf) {
      this.byLeaf.set(leaf, hash);
      return;
    }
    this.leaves.push(leaf);
    this.hashes.push(hash);
  }

  /** The leaf's hash, taken out (a leaf in a loop body runs again and computes it anew); undefined when none waits. */
  take(leaf: LeafSpec): string | undefined {
    if (!this.byLeaf) {
      const head = this.head;
      if (head === this.leaves.length) return undefined;
      if (this.leaves[head] === leaf) return this.takeHead();
      this.byLeaf = this.rest();
    }
    const hash = this.byLeaf.get(leaf);
    if (hash !== undefined) this.byLeaf.delete(leaf);
    return hash;
  }

  private takeHead(): string {
    const head = this.head;
    const hash = this.hashes[head]!;
    this.leaves[head] = undefined;
    this.hashes[head] = undefined;
    this.head = head + 1;
    if (this.head === this.leaves.length) this.clear();
    return hash;
  }

  /** What the queue still holds, by leaf; the queue is emptied. */
  private rest(): Map<LeafSpec, string> {
    const byLeaf = new Map<LeafSpec, string>();
    for (let position = this.head; position < this.leaves.length; position += 1) byLeaf.set(this.leaves[position]!, this.hashes[position]!);
    this.clear();
    return byLeaf;
  }

  private clear(): void {
    this.leaves = [];
    this.hashes = [];
    this.head = 0;
  }
}
