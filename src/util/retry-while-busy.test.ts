import { describe, expect, it } from 'vitest';
import { retryWhileBusy } from './retry-while-busy.js';

const busy = (): Error => Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });

describe('retryWhileBusy', () => {
  it('repeats a step that found the database busy until it goes through', () => {
    let calls = 0;
    const result = retryWhileBusy(() => {
      calls += 1;
      if (calls < 3) throw busy();
      return 'done';
    });
    expect(result).toBe('done');
    expect(calls).toBe(3);
  });

  it('gives up with the busy error once the time is over', () => {
    let calls = 0;
    expect(() =>
      retryWhileBusy(() => {
        calls += 1;
        throw busy();
      }, 20),
    ).toThrow('database is locked');
    expect(calls).toBeGreaterThan(1);
  });

  it('does not repeat any other failure', () => {
    let calls = 0;
    expect(() =>
      retryWhileBusy(() => {
        calls += 1;
        throw Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR' });
      }),
    ).toThrow('disk I/O error');
    expect(calls).toBe(1);
  });
});
