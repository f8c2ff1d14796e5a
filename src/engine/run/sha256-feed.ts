import { createHash, type Hash } from 'node:crypto';

/** Pieces shorter than this are gathered into one update (an update per small piece was most of a digest's cost). */
const SLICE_CHARS = 1 << 16;
/** A piece this long is handed to the hash on its own, instead of being copied into a slice first. */
const DIRECT_CHARS = 1 << 12;
/**
 * A kept text is kept in slices of at least this many characters: past 128 KiB a string is
 * allocated in V8's large-object space, which a young-generation collection promotes by its page
 * instead of copying it (twice, over the collections it survives) as it does a smaller one.
 */
const KEPT_SLICE_CHARS = 1 << 18;

/**
 * SHA-256 of a text given in pieces, in order. Small pieces are gathered into slices of about
 * 64 Ki characters; a piece of a few Ki goes straight to the hash. `keepText` also keeps the
 * text, so the whole of it can be had afterwards without ever building it as one flat string (a
 * 10,000-leaf spec's JSON is 4 MB; copying it into one string cost as much as writing it): its
 * pieces are joined into slices of 256 Ki characters, each hashed and kept as it is made (see
 * KEPT_SLICE_CHARS; the 4 MB run_started carries was copied ~3 times in the young generation).
 */
export class Sha256Feed {
  private readonly hash: Hash = createHash('sha256');
  private pending = '';
  /** The pieces of a kept text not yet joined into a slice, and their length. */
  private readonly pieces: string[] = [];
  private piecesChars = 0;
  private readonly slices: string[] | undefined;

  constructor(keepText = false) {
    this.slices = keepText ? [] : undefined;
  }

  add(text: string): void {
    if (this.slices) {
      this.pieces.push(text);
      this.piecesChars += text.length;
      if (this.piecesChars >= KEPT_SLICE_CHARS) this.flush();
      return;
    }
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
    if (this.piecesChars > 0) {
      const { pieces } = this;
      this.update(pieces.length === 1 ? pieces[0]! : pieces.join(''));
      pieces.length = 0;
      this.piecesChars = 0;
    }
    if (this.pending === '') return;
    this.update(this.pending);
    this.pending = '';
  }

  private update(text: string): void {
    this.hash.update(text);
    this.slices?.push(text);
  }
}
