import { describe, expect, it } from 'vitest';
import { FifoSemaphore } from './fifo-semaphore.js';

describe('FifoSemaphore.take', () => {
  it('takes a free permit at once without calling back', () => {
    const slots = new FifoSemaphore(1);
    const calls: string[] = [];
    expect(slots.take(() => calls.push('late'))).toBe(true);
    expect(slots.inUse).toBe(1);
    expect(calls).toEqual([]);
  });

  it('is called back inside the release that hands it the permit, in FIFO order with acquire', async () => {
    const slots = new FifoSemaphore(1);
    expect(slots.acquire()).toBeUndefined();
    const order: string[] = [];
    const waiting = slots.acquire()!.then(() => order.push('acquire'));
    expect(slots.take(() => order.push('take'))).toBe(false);
    expect(slots.queued).toBe(2);

    slots.release(); // to the promise waiter, queued first: it resumes a microtask later
    expect(order).toEqual([]);
    await waiting;
    expect(order).toEqual(['acquire']);

    slots.release(); // to take's callback: called before release returns
    expect(order).toEqual(['acquire', 'take']);
    expect(slots.inUse).toBe(1);
    expect(slots.queued).toBe(0);
  });
});
