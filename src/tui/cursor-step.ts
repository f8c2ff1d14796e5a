import type { KeyPress } from './view-state.js';

/** How far a key moves a cursor or scroll position: a row, a page, or to either end; 0 for other keys. */
export function cursorStep(key: KeyPress, page: number): number {
  if (key.name === 'up' || (key.name === 'char' && key.char === 'k')) return -1;
  if (key.name === 'down' || (key.name === 'char' && key.char === 'j')) return 1;
  if (key.name === 'page_up') return -page;
  if (key.name === 'page_down') return page;
  if (key.name === 'char' && key.char === 'g') return -Number.MAX_SAFE_INTEGER;
  if (key.name === 'char' && key.char === 'G') return Number.MAX_SAFE_INTEGER;
  return 0;
}
