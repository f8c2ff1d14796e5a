import v8 from 'node:v8';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { INLINING_PAYS_FROM_LEAVES, inlineIfWide, optimizeWithoutInlining } from './optimize-without-inlining.js';

describe('TurboFan inlining for a one-shot run', () => {
  afterEach(() => vi.restoreAllMocks());

  it('is turned off before the writer thread starts, and back on only for a run wide enough to pay for it', () => {
    const flags: string[] = [];
    vi.spyOn(v8, 'setFlagsFromString').mockImplementation((flag: string) => void flags.push(flag));
    optimizeWithoutInlining();
    inlineIfWide(10_000);
    inlineIfWide(INLINING_PAYS_FROM_LEAVES - 1);
    expect(flags).toEqual(['--no-turbo-inlining']);
    inlineIfWide(INLINING_PAYS_FROM_LEAVES);
    inlineIfWide(100_000);
    expect(flags).toEqual(['--no-turbo-inlining', '--turbo-inlining', '--turbo-inlining']);
  });
});
