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
});
