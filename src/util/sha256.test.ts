import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from './sha256.js';

const whole = (text: string): string => createHash('sha256').update(text).digest('hex');

describe('sha256Hex', () => {
  it('hashes long strings slice by slice to the same digest, surrogate pairs across a slice boundary included', () => {
    const emoji = '\u{1F433}'; // two UTF-16 units
    const long = `${'a'.repeat((1 << 16) - 1)}${emoji}${'é'.repeat(70_000)}${emoji.repeat(40_000)}`;
    expect(sha256Hex(long)).toBe(whole(long));
    expect(sha256Hex('short')).toBe(whole('short'));
    expect(sha256Hex(new Uint8Array([1, 2, 3]))).toBe(createHash('sha256').update(new Uint8Array([1, 2, 3])).digest('hex'));
  });
});
