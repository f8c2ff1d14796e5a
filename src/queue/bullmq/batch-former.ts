/**
 * Gathers items that become ready together into batches: a batch leaves when it reaches the size
 * limit, or at the end of the current turn of the event loop (setImmediate) — no timer, so a lone
 * item waits for nothing, and a burst (a fan-out, a batch of results freeing the next leaves)
 * goes out as few batches.
 */
export class BatchFormer<T> {
  private buffer: T[] = [];
  private scheduled: NodeJS.Immediate | undefined;

  constructor(
    private readonly limit: () => number,
    private readonly onBatch: (items: T[]) => void,
  ) {}

  add(item: T): void {
    this.buffer.push(item);
    if (this.buffer.length >= Math.max(1, this.limit())) this.flush();
    else this.scheduled ??= setImmediate(() => this.flush());
  }

  /** Takes an item back before it left (a cancel); false when it is already in a batch. */
  remove(item: T): boolean {
    const index = this.buffer.indexOf(item);
    if (index < 0) return false;
    this.buffer.splice(index, 1);
    return true;
  }

  /** Drops what is waiting (the queue is closing). */
  clear(): void {
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = undefined;
    this.buffer = [];
  }

  private flush(): void {
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = undefined;
    const items = this.buffer;
    this.buffer = [];
    if (items.length > 0) this.onBatch(items);
  }
}
