import { describe, expect, it } from 'vitest';
import { lazyRegExp } from './lazy-regexp.js';

describe('lazyRegExp', () => {
  it('builds the expression on the first test, once, and tests as the expression does', () => {
    let built = 0;
    const isLetter = lazyRegExp(() => {
      built += 1;
      return /^\p{L}$/u;
    });
    expect(built).toBe(0);
    expect([isLetter('ǅ'), isLetter('1'), isLetter('é'), isLetter('ab')]).toEqual([true, false, true, false]);
    expect(built).toBe(1);
  });
});
