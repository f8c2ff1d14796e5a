import type { NodeResult } from '../ir/index.js';

/**
 * The JSON the results digest makes of a run's childless results (a fan-out's leaves), kept for
 * a caller that prints the result as JSON right after (`whaleflow run --json`): at 10,000 leaves
 * that is ~5.6 MB stringified once at the end of the run instead of twice. A list is kept only
 * when every one of its nodes is childless, as the pieces of `JSON.stringify(list)` between its
 * brackets, in order, cut between nodes. Past `maxChars` in all, nothing more is kept and what
 * was is let go: a very wide run's result must not be held twice over at its end, when memory peaks.
 */
export class ResultJsonTexts {
  private readonly texts = new Map<readonly unknown[], string[]>();
  private chars = 0;
  private full = false;

  constructor(private readonly maxChars: number) {}

  /** The pieces of `list`'s JSON, as the digest made them; undefined when not kept. */
  of(list: readonly unknown[]): readonly string[] | undefined {
    return this.texts.get(list);
  }

  /** Whether the digest should hand over the JSON of `nodes` (all childless; not empty, not seen before). */
  wants(nodes: readonly NodeResult[]): boolean {
    return !this.full && nodes.length > 0 && !this.texts.has(nodes);
  }

  /** The next piece of `nodes`' JSON (the digest goes through a list once, in order). */
  keep(nodes: readonly NodeResult[], text: string): void {
    if (this.full) return;
    this.chars += text.length;
    if (this.chars > this.maxChars) {
      this.full = true;
      this.texts.clear();
      return;
    }
    const pieces = this.texts.get(nodes);
    if (pieces) pieces.push(text);
    else this.texts.set(nodes, [text]);
  }
}
