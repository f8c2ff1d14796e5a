import { describe, expect, it } from 'vitest';
import { BatchFormer } from './batch-former.js';

function former(limit: number): { former: BatchFormer<number>; batches: number[][] } {
  const batches: number[][] = [];
  return { former: new BatchFormer<number>(() => limit, (items) => batches.push(items)), batches };
}

const endOfTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('BatchFormer', () => {
  it('sends what is ready together as batches of the limit, the rest at the end of the turn', async () => {
    const { former: batchFormer, batches } = former(4);
    for (let item = 0; item < 10; item += 1) batchFormer.add(item);
    expect(batches).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
    ]);
    await endOfTurn();
    expect(batches.at(-1)).toEqual([8, 9]);
  });

  it('cuts batches to the room each consumer freed this turn, in the order it was freed', async () => {
    const { former: batchFormer, batches } = former(25);
    batchFormer.freed('worker-b', 2);
    batchFormer.freed('worker-a', 3);
    batchFormer.freed('worker-b', 1); // the same consumer again: one batch of its whole room
    for (let item = 0; item < 10; item += 1) batchFormer.add(item);
    expect(batches).toEqual([
      [0, 1, 2],
      [3, 4, 5],
    ]);
    await endOfTurn();
    expect(batches.at(-1)).toEqual([6, 7, 8, 9]); // beyond what was freed: the limit
  });

  it('never makes a batch above the limit, even for a consumer with more room', async () => {
    const { former: batchFormer, batches } = former(2);
    batchFormer.freed('worker-a', 5);
    for (let item = 0; item < 5; item += 1) batchFormer.add(item);
    await endOfTurn();
    expect(batches).toEqual([[0, 1], [2, 3], [4]]);
  });

  it('forgets room not filled by the end of the turn', async () => {
    const { former: batchFormer, batches } = former(4);
    batchFormer.freed('worker-a', 1);
    await endOfTurn();
    for (let item = 0; item < 3; item += 1) batchFormer.add(item);
    await endOfTurn();
    expect(batches).toEqual([[0, 1, 2]]);
  });

  it('takes an item back before it leaves, and drops everything when cleared', async () => {
    const { former: batchFormer, batches } = former(4);
    batchFormer.add(1);
    batchFormer.add(2);
    expect(batchFormer.remove(1)).toBe(true);
    expect(batchFormer.remove(7)).toBe(false);
    await endOfTurn();
    expect(batches).toEqual([[2]]);
    batchFormer.add(3);
    batchFormer.clear();
    await endOfTurn();
    expect(batches).toEqual([[2]]);
  });
});
