import { describe, expect, it } from 'vitest';
import { CancelScope } from './cancel-scope.js';

describe('CancelScope.onCancel', () => {
  it('an unregistered callback is not called; the others are, in the order they registered', () => {
    const scope = new CancelScope();
    const calls: string[] = [];
    scope.onCancel(() => calls.push('first'));
    const unregister = scope.onCancel(() => calls.push('second'));
    scope.onCancel(() => calls.push('third'));
    unregister();
    unregister(); // twice is harmless
    scope.cancel({ type: 'shutdown' });
    expect(calls).toEqual(['first', 'third']);
  });

  it('a child made under a cancelled parent starts cancelled; a closed child is no longer reached', () => {
    const parent = new CancelScope();
    const closed = new CancelScope(parent);
    const open = new CancelScope(parent);
    closed.close();
    parent.cancel({ type: 'user' });
    expect(open.reason).toEqual({ type: 'user' });
    expect(closed.reason).toBeUndefined();
    expect(new CancelScope(parent).reason).toEqual({ type: 'user' });
  });

  it('reaches the children still open, in the order they started, whichever closed', () => {
    const parent = new CancelScope();
    const children = Array.from({ length: 6 }, () => new CancelScope(parent));
    const reached: number[] = [];
    children.forEach((child, index) => child.onCancel(() => reached.push(index)));
    for (const index of [0, 2, 5]) children[index]!.close();
    children[2]!.close(); // a second close changes nothing
    const late = new CancelScope(parent);
    late.onCancel(() => reached.push(6));
    parent.cancel({ type: 'shutdown' });
    expect(reached).toEqual([1, 3, 4, 6]);
    expect(children[0]!.reason).toBeUndefined();
  });
});
