import { createHash, type Hash } from 'node:crypto';

/** Pieces shorter than this are gathered into one update (an update per small piece was most of a digest's cost). */
const SLICE_CHARS = 1 << 16;
/** A piece this long is handed to the hash on its own, instead of being copied into a slice first. */
const DIRECT_CHARS = 1 << 12;

/**
 * SHA-256 of a text given in pieces, in order. Small pieces are gathered into slices of about
 * 64 Ki characters; a piece of a few Ki goes straight to the hash. `keepText` also keeps the
 * slices, so the whole text can be had afterwards without ever building it as one flat string
 * (a 10,000-leaf spec's JSON is 4 MB; copying it into one string cost as much as writing it).
 */
export class Sha256Feed {
  private readonly hash: Hash = createHash('sha256');
  private pending = '';
  private readonly slices: string[] | undefined;

  constructor(keepText = false) {
    this.slices = keepText ? [] : undefined;
  }

  add(text: string): void {
    if (text.length >= DIRECT_CHARS) {
      this.flush();
      this.update(text);
      return;
    }
    this.pending += text;
    if (this.pending.length >= SLICE_CHARS) this.flush();
  }

  /** The hex digest; the feed is done. */
  digest(): string {
    this.flush();
    return this.hash.digest('hex');
  }

  /**
   * Everything fed so far (after `digest`), when made with `keepText`: the slices joined pairwise,
   * so the string is a shallow tree of the slices and nothing is copied.
   */
  text(): string {
    let parts = this.slices ?? [];
    while (parts.length > 1) {
      const joined: string[] = [];
      for (let index = 0; index < parts.length; index += 2) joined.push(index + 1 < parts.length ? parts[index]! + parts[index + 1]! : parts[index]!);
      parts = joined;
    }
    return parts[0] ?? '';
  }

  private flush(): void {
    if (this.pending === '') return;
    this.update(this.pending);
    this.pending = '';
  }

  private update(text: string): void {
    this.hash.update(text);
    this.slices?.push(text);
  }
}
