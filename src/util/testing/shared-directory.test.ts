import { describe, expect, test, vi } from 'vitest';
import { locateShared } from './shared-directory.js';

describe('locateShared', () => {
  test('finds what ../shared holds', () => {
    const location = locateShared('DESIGN.md', {});
    if (!location.available) return; // a user's clone: nothing to find
    expect(location.path.endsWith('DESIGN.md')).toBe(true);
  });

  test('an absent piece is a printed skip outside CI', () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const location = locateShared('no/such/thing', {});
    expect(location).toMatchObject({ available: false, skipReason: expect.stringContaining('../shared/no/such/thing is absent') });
    expect(log).toHaveBeenCalledWith(expect.stringContaining('skipped: ../shared/no/such/thing is absent'));
    log.mockRestore();
  });

  test('an absent piece fails under CI', () => {
    expect(() => locateShared('no/such/thing', { CI: 'true' })).toThrow(/CI is set, so this is a failure/);
    expect(() => locateShared('no/such/thing', { CI: 'false' })).not.toThrow();
  });
});
