import { describe, expect, it } from 'vitest';
import { LeafStopSwitch } from './leaf-stop-switch.js';

describe('LeafStopSwitch', () => {
  it('makes no AbortSignal until asked, and a signal asked after the stop is already aborted with its reason', () => {
    const stopSwitch = new LeafStopSwitch();
    const reason = new Error('cancelled by the user');
    stopSwitch.stop(reason);
    stopSwitch.stop(new Error('a second stop does not replace the first'));
    expect(stopSwitch.aborted).toBe(true);
    expect(stopSwitch.signal.aborted).toBe(true);
    expect(stopSwitch.signal.reason).toBe(reason);
  });

  it('aborts a signal handed out before the stop', () => {
    const stopSwitch = new LeafStopSwitch();
    const signal = stopSwitch.signal;
    expect(signal.aborted).toBe(false);
    stopSwitch.stop('tournament loser');
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe('tournament loser');
  });

  it('cuts a sleep short with the stop reason, and refuses to sleep once stopped', async () => {
    const stopSwitch = new LeafStopSwitch();
    const sleeping = stopSwitch.sleep(60_000);
    stopSwitch.stop(new Error('budget exceeded'));
    await expect(sleeping).rejects.toThrow('budget exceeded');
    await expect(stopSwitch.sleep(1)).rejects.toThrow('budget exceeded');
  });

  it('lets a sleep end normally when nothing stops it', async () => {
    const stopSwitch = new LeafStopSwitch();
    await expect(stopSwitch.sleep(1)).resolves.toBeUndefined();
    stopSwitch.stop(new Error('late'));
    expect(stopSwitch.aborted).toBe(true);
  });

  it('follows a caller AbortSignal, and an engine cancel hook without any AbortSignal', () => {
    const controller = new AbortController();
    const following = LeafStopSwitch.following(controller.signal);
    controller.abort('stop');
    expect(following.reason).toBe('stop');

    let cancel: ((reason: unknown) => void) | undefined;
    const hooked = LeafStopSwitch.following({ onCancel: (callback) => ((cancel = callback), () => undefined) });
    expect(hooked.aborted).toBe(false);
    cancel?.({ type: 'user' });
    expect(hooked.reason).toEqual({ type: 'user' });
  });
});
