/**
 * A cursor that follows one item — a run in the list, a node in a run's tree — by its id, not
 * by its row: runs start above it and expands add rows above it while the user reads, and a
 * key (`x`, `R`, `e`) must act on the item they selected. `index` is where it was last seen.
 */
export interface Cursor {
  readonly id: string | null;
  readonly index: number;
}

/** On the first item, whatever it will be. */
export const START_CURSOR: Cursor = { id: null, index: 0 };

/** The row the cursor is on: its item's row while shown, else its last row (clamped). */
export function cursorIndex<T>(cursor: Cursor, items: readonly T[], idOf: (item: T) => string): number {
  if (cursor.id !== null) {
    // Most polls move nothing: try the last known row before searching.
    const last = items[cursor.index];
    if (last !== undefined && idOf(last) === cursor.id) return cursor.index;
    const found = items.findIndex((item) => idOf(item) === cursor.id);
    if (found >= 0) return found;
  }
  return clampIndex(cursor.index, items.length);
}

/** Moves by `step` rows (clamped) and follows the item it lands on. */
export function moveCursor<T>(cursor: Cursor, items: readonly T[], idOf: (item: T) => string, step: number): Cursor {
  const index = clampIndex(cursorIndex(cursor, items, idOf) + step, items.length);
  return { id: items[index] === undefined ? null : idOf(items[index]), index };
}

/**
 * Binds the cursor to the item it shows: its own item at its current row, or — when it has
 * none or its item is gone — the item now on its row. Returns the same object when nothing changed.
 */
export function pinCursor<T>(cursor: Cursor, items: readonly T[], idOf: (item: T) => string): Cursor {
  const index = cursorIndex(cursor, items, idOf);
  const id = items[index] === undefined ? cursor.id : idOf(items[index]);
  return id === cursor.id && index === cursor.index ? cursor : { id, index };
}

export function clampIndex(index: number, total: number): number {
  return total === 0 ? 0 : Math.min(Math.max(0, index), total - 1);
}
