import type { Key } from 'ink';
import type { KeyPress } from './view-state.js';

/**
 * Ink's (input, key) pair as the reducer's key presses. Keys typed faster than a read (or
 * pasted, or sent by tmux) arrive as one input string: each character is its own press.
 */
export function toKeyPresses(input: string, key: Key): KeyPress[] {
  const press = toKeyPress(input, key);
  if (press?.name === 'char' && input.length > 1) return [...input].map(characterPress);
  return press ? [press] : [];
}

/** One press; null for keys the TUI ignores. */
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

function characterPress(char: string): KeyPress {
  if (char === '\r' || char === '\n') return { name: 'enter' };
  if (char === '\x7f' || char === '\b') return { name: 'backspace' };
  return { name: 'char', char };
}
