/**
 * Gathers items that become ready together into batches, each sized to what one consumer can
 * take at once. When consumers have said they freed room this turn of the event loop (`freed`:
 * a worker's outcomes came back, so it has that many leaf slots free and is asking for work), the
 * next batches are cut to those sizes, one per consumer in the order they freed it — the order in
 * which they asked the queue for work, which serves the longest waiting first. Items beyond what
 * was freed (a fan-out's first wave, leaves a reduce made ready) go in batches of the size limit.
 * A batch leaves as soon as it is full, and what remains at the end of the turn (setImmediate)
 * leaves then — no timer, so a lone item waits for nothing.
 */
export class BatchFormer<T> {
  private buffer: T[] = [];
  /** Room freed this turn, per consumer, in the order it was freed: the sizes of the next batches. */
  private room = new Map<string, number>();
  private scheduled: NodeJS.Immediate | undefined;

  constructor(
    private readonly limit: () => number,
    private readonly onBatch: (items: T[]) => void,
  ) {}

  add(item: T): void {
    this.buffer.push(item);
    const size = this.nextSize();
    if (this.buffer.length >= size) this.emit(size);
    else this.schedule();
  }

  /**
   * `consumer` has room for `count` more items now. Room not filled by the end of this turn is
   * forgotten: by then the consumer has asked for work and may have taken other work.
   */
  freed(consumer: string, count: number): void {
    if (count <= 0) return;
    this.room.set(consumer, (this.room.get(consumer) ?? 0) + count);
    this.schedule();
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
    this.room.clear();
  }

  /** The first consumer's room (never above the limit), or the limit when nobody freed any. */
  private nextSize(): number {
    const limit = Math.max(1, this.limit());
    const first = this.room.values().next();
    return first.done ? limit : Math.min(first.value, limit);
  }

  /** Sends the first `size` items as one batch, filling the first consumer's room. */
  private emit(size: number): void {
    const items = this.buffer.splice(0, size);
    const first = this.room.entries().next();
    if (!first.done) {
      const [consumer, room] = first.value;
      if (room > items.length) this.room.set(consumer, room - items.length);
      else this.room.delete(consumer);
    }
    this.onBatch(items);
  }

  private schedule(): void {
    this.scheduled ??= setImmediate(() => this.flush());
  }

  private flush(): void {
    this.scheduled = undefined;
    while (this.buffer.length > 0) this.emit(Math.min(this.nextSize(), this.buffer.length));
    this.room.clear();
  }
}
