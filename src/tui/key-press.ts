import type { Key } from 'ink';
import type { KeyPress } from './view-state.js';

/** Ink's (input, key) pair as the reducer's KeyPress; null for keys the TUI ignores. */
export function toKeyPress(input: string, key: Key): KeyPress | null {
  if (key.upArrow) return { name: 'up' };
  if (key.downArrow) return { name: 'down' };
  if (key.leftArrow) return { name: 'left' };
  if (key.rightArrow) return { name: 'right' };
  if (key.return) return { name: 'enter' };
  if (key.escape) return { name: 'escape' };
  if (key.backspace || key.delete) return { name: 'backspace' };
  if (key.pageUp) return { name: 'page_up' };
  if (key.pageDown) return { name: 'page_down' };
  if (key.tab) return { name: 'tab' };
  if (key.ctrl || key.meta || input.length === 0) return null;
  return { name: 'char', char: input };
}
