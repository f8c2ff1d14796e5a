import v8 from 'node:v8';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startTraceWriterThread, WRITER_SEMI_SPACE_MB } from './start-trace-writer-thread.js';

describe('the trace writer thread of a one-shot run', () => {
  afterEach(() => vi.restoreAllMocks());

  it("gets a larger young generation unless the run is wide, where it keeps V8's default", () => {
    const flags: string[] = [];
    vi.spyOn(v8, 'setFlagsFromString').mockImplementation((flag: string) => void flags.push(flag));
    const semiSpaceFlags = () => flags.filter((flag) => flag.startsWith('--min-semi-space-size'));

    startTraceWriterThread({ wide: false }).discard();
    expect(semiSpaceFlags()).toEqual([`--min-semi-space-size=${WRITER_SEMI_SPACE_MB}`]);
    startTraceWriterThread({ wide: true }).discard();
    expect(semiSpaceFlags().at(-1)).toBe('--min-semi-space-size=0');
    // Set before the thread's heap is made, with the run's other flags; the young generation's held again after.
    expect(flags.slice(-5)).toEqual(['--heap-growing-percent=50', '--no-turbo-inlining', '--semi-space-growth-factor=1', '--min-semi-space-size=0', '--semi-space-growth-factor=1']);
  });
});
