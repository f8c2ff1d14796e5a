import { describe, expect, it } from 'vitest';
import { REDACTED, SecretRedactor } from './redact-secrets.js';

describe('SecretRedactor', () => {
  const redactor = new SecretRedactor({ OPENAI_API_KEY: 'sk-live-0123456789abcdefXYZ', DB_PASSWORD: 'hunter2hunter2', SHORT_TOKEN: 'abc', HOME: '/home/someone' });

  it('replaces values of secret-named environment variables wherever they appear', () => {
    expect(redactor.redactString('connect with hunter2hunter2 now')).toBe(`connect with ${REDACTED} now`);
    // Short values are not treated as secrets (KEY=1 would redact every "1"); ordinary variables stay.
    expect(redactor.redactString('abc /home/someone')).toBe('abc /home/someone');
  });

  it('replaces credential-shaped strings', () => {
    for (const secret of ['sk-ant-api03-abcdefghijklmnopqrstuv', 'ghp_abcdefghijklmnopqrstuvwxyz0123456789', 'AKIAABCDEFGHIJKLMNOP', 'Authorization: Bearer abcdefghijklmnop.qrstuv']) {
      expect(redactor.redactString(`x ${secret} y`)).not.toContain(secret.slice(-10));
    }
  });

  it('redacts secret-named properties but not effect keys or token counts', () => {
    const value = { key: 'a'.repeat(64), usage: { input_tokens: 5 }, headers: { authorization: 'Basic xyz', 'x-api-key': 'k' }, config: { api_key: 'plain' } };
    expect(redactor.redact(value)).toEqual({ key: 'a'.repeat(64), usage: { input_tokens: 5 }, headers: { authorization: REDACTED, 'x-api-key': REDACTED }, config: { api_key: REDACTED } });
  });

  it('returns the same object when nothing is secret, and never mutates its input', () => {
    const clean = { a: ['b', { c: 'd' }] };
    expect(redactor.redact(clean)).toBe(clean);
    const dirty = { a: ['hunter2hunter2'] };
    const copy = redactor.redact(dirty);
    expect(copy).toEqual({ a: [REDACTED] });
    expect(dirty.a[0]).toBe('hunter2hunter2');
  });

  it('pre-checks serialized JSON without false negatives for the cases above', () => {
    expect(redactor.mayContainSecret(JSON.stringify({ output: 'hunter2hunter2' }))).toBe(true);
    expect(redactor.mayContainSecret(JSON.stringify({ headers: { Authorization: 'x' } }))).toBe(true);
    expect(redactor.mayContainSecret(JSON.stringify({ text: 'ghp_abcdefghijklmnopqrstuvwxyz0123456789' }))).toBe(true);
    expect(redactor.mayContainSecret(JSON.stringify({ key: 'abc', usage: { input_tokens: 1 } }))).toBe(false);
  });
});
