import { describe, expect, it } from 'vitest';
import { RunContextCache } from './run-context-cache.js';

/** A cached value that records its life: opened and closed, by key, in order. */
function recordingCache(capacity: number, options: { failOpen?: Set<string> } = {}) {
  const log: string[] = [];
  let closeGate: Promise<void> = Promise.resolve();
  const cache = new RunContextCache({
    capacity,
    open: async (key) => {
      if (options.failOpen?.has(key)) throw new Error(`no settings for ${key}`);
      log.push(`open ${key}`);
      return {
        key,
        close: async () => {
          await closeGate;
          log.push(`close ${key}`);
        },
      };
    },
  });
  return { cache, log, holdCloses: (gate: Promise<void>) => (closeGate = gate) };
}

describe('RunContextCache: at most `capacity` run contexts, none dropped while in use', () => {
  it('keeps at most capacity idle contexts, dropping the least recently used first', async () => {
    const { cache, log } = recordingCache(2);
    for (const key of ['a', 'b', 'a', 'c', 'd']) (await cache.acquire(key)).release();
    // a was used after b, so b went first when c came; then a when d came.
    expect(log).toEqual(['open a', 'open b', 'close b', 'open c', 'close a', 'open d']);
    expect(cache.keys()).toEqual(['c', 'd']);
  });

  it('never drops a context with a lease held; it is dropped once released if the cache is over capacity', async () => {
    const { cache, log } = recordingCache(1);
    const busy = await cache.acquire('busy');
    for (const key of ['x', 'y']) (await cache.acquire(key)).release();
    expect(log).not.toContain('close busy');
    expect(cache.keys()).toContain('busy');
    expect(cache.size).toBeLessThanOrEqual(2); // the busy one plus at most the bound
    busy.release();
    await cache.close();
    expect(log.filter((line) => line === 'close busy')).toHaveLength(1);
  });

  it('a context dropped when released and asked for again is opened anew only after the old one finished closing', async () => {
    const { cache, log, holdCloses } = recordingCache(1);
    const a = await cache.acquire('a');
    const b = await cache.acquire('b'); // over the bound while a is busy
    let letClose!: () => void;
    holdCloses(new Promise<void>((resolve) => (letClose = resolve)));
    b.release(); // b is idle and the cache is over its bound: b is dropped, its close held
    const again = cache.acquire('b');
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(log).toEqual(['open a', 'open b']); // not reopened while its checkout may still be going
    letClose();
    (await again).release();
    expect(log).toEqual(['open a', 'open b', 'close b', 'open b']);
    a.release();
    await cache.close();
  });

  it('a failed open is not kept: the next lease tries again', async () => {
    const failOpen = new Set(['late']);
    const { cache, log } = recordingCache(2, { failOpen });
    await expect(cache.acquire('late')).rejects.toThrow(/no settings for late/);
    expect(cache.size).toBe(0);
    failOpen.clear();
    (await cache.acquire('late')).release();
    expect(log).toEqual(['open late']);
  });

  it('concurrent leases of one key share one opened value; close releases every context once', async () => {
    const { cache, log } = recordingCache(2);
    const [first, second] = await Promise.all([cache.acquire('a'), cache.acquire('a')]);
    expect(first.value).toBe(second.value);
    first.release();
    first.release(); // a second release of one lease counts once
    second.release();
    await cache.close();
    expect(log).toEqual(['open a', 'close a']);
    await expect(cache.acquire('b')).rejects.toThrow(/shutting down/);
  });
});
