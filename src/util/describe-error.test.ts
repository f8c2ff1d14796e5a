import { describe, expect, it } from 'vitest';
import { describeError } from './describe-error.js';

describe('describeError', () => {
  it('never prints [object Object]: errors, cancel reasons, posted error objects, plain objects, odd values', () => {
    expect(describeError(new Error('disk full'))).toBe('disk full');
    expect(describeError('plain text')).toBe('plain text');
    expect(describeError({ type: 'user', message: 'interrupted (Ctrl-C)' })).toBe('interrupted (Ctrl-C)');
    expect(describeError({ type: 'budget' })).toBe('cancelled (budget)');
    expect(describeError({ message: 'file is not a database', code: 'SQLITE_NOTADB' })).toBe('file is not a database (SQLITE_NOTADB)');
    expect(describeError({ status: 500 })).toBe('{"status":500}');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(describeError(cyclic)).toBe('an error without a message');
    expect(describeError(undefined)).toBe('unknown error');
    expect(describeError(42)).toBe('42');
    for (const value of [{}, { a: 1 }, new (class Odd {})(), Object.create(null)]) expect(describeError(value)).not.toContain('[object');
  });
});
