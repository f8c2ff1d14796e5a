import v8 from 'node:v8';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { handOverTraceWriterThread, startTraceWriterThread, WRITER_SEMI_SPACE_MB } from './start-trace-writer-thread.js';

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

  it('adopts the thread the launcher started for a narrow run, and ends it for a wide one', async () => {
    vi.spyOn(v8, 'setFlagsFromString').mockImplementation(() => undefined);
    const idle = () => new Worker('setInterval(() => {}, 1000)', { eval: true });
    const adopted = idle();
    handOverTraceWriterThread({ worker: adopted, startError: undefined });
    const thread = startTraceWriterThread({ wide: false });
    expect(thread.take().worker).toBe(adopted);
    await adopted.terminate();

    const replaced = idle();
    handOverTraceWriterThread({ worker: replaced, startError: undefined });
    const exited = new Promise((resolve) => replaced.once('exit', resolve));
    const { worker: own } = startTraceWriterThread({ wide: true }).take();
    expect(own).not.toBe(replaced);
    await exited;
    await own.terminate();
  });

  it("makes the launcher's thread with the narrow run's young generation", () => {
    const launcher = createRequire(import.meta.url)('../../../bin/early-trace-writer.cjs') as { WRITER_SEMI_SPACE_MB: number };
    expect(launcher.WRITER_SEMI_SPACE_MB).toBe(WRITER_SEMI_SPACE_MB);
  });
});
