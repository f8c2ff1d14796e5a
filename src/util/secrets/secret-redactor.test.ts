import { describe, expect, it } from 'vitest';
import { isSecretName, registerSecretVariable } from './secret-names.js';
import { REDACTED, SecretRedactor } from './secret-redactor.js';

describe('SecretRedactor', () => {
  const env = { OPENAI_API_KEY: 'sk-live-0123456789abcdefXYZ', DB_PASSWORD: 'hunter2hunter2', SHORT_TOKEN: 'abc', HOME: '/home/someone' };
  const redactor = new SecretRedactor(env);

  it('replaces the values of secret-named environment variables wherever they appear', () => {
    expect(redactor.redactString('connect with hunter2hunter2 now')).toBe(`connect with ${REDACTED} now`);
    expect(redactor.redactString('Bearer sk-live-0123456789abcdefXYZ')).toBe(`Bearer ${REDACTED}`);
    // Short values are not treated as secrets (KEY=1 would redact every "1"); ordinary variables stay.
    expect(redactor.redactString('abc /home/someone')).toBe('abc /home/someone');
  });

  it('leaves text that merely looks like a credential alone: only known values are secrets', () => {
    for (const lookalike of ['sk-ant-api03-abcdefghijklmnopqrstuv', 'ghp_abcdefghijklmnopqrstuvwxyz0123456789', 'AKIAABCDEFGHIJKLMNOP', 'Authorization: Bearer abcdefghijklmnop.qrstuv']) {
      expect(redactor.redactString(`x ${lookalike} y`)).toBe(`x ${lookalike} y`);
    }
    const value = { key: 'a'.repeat(64), headers: { authorization: 'Basic xyz' }, config: { api_key: 'plain' } };
    expect(redactor.redact(value)).toBe(value);
  });

  it('finds secrets with quotes, backslashes, newlines and unicode in raw, JSON-escaped, doubly escaped and URL-encoded text', () => {
    const secret = 'q"uo\\te\nline-two-ünï🐋';
    const tricky = new SecretRedactor({ WEIRD_SECRET: secret });
    const once = JSON.stringify({ output: `echo ${secret}` });
    const twice = JSON.stringify({ transcript: once });
    for (const text of [`raw ${secret} end`, once, twice, `url?k=${encodeURIComponent(secret)}`]) {
      expect(tricky.mayContainSecret(text)).toBe(true);
      const redacted = tricky.redactString(text);
      expect(redacted).toContain(REDACTED);
      for (const leak of ['q"uo', 'q\\"uo', 'line-two-ünï🐋', encodeURIComponent(secret)]) expect(redacted).not.toContain(leak);
    }
    // A structured value keeps its shape; a JSON string inside a string is redacted in place.
    expect(JSON.parse(tricky.redact({ transcript: once }).transcript)).toEqual({ output: `echo ${REDACTED}` });
    // Bytes too: the UTF-8 encoding of every form.
    const bytes = Buffer.from(`bin\u0000${secret}\u0001`, 'utf8');
    expect(Buffer.from(tricky.redactBytes(bytes)).toString('utf8')).toBe(`bin\u0000${REDACTED}\n\u0001`) // the line break the secret spanned is kept;
  });

  it('each line of a multi-line secret (a PEM key) is a secret of its own', () => {
    const pem = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----';
    const keyed = new SecretRedactor({ SIGNING_PRIVATE_KEY: pem });
    expect(keyed.redactString('a log line quoting MIIEvQIBADANBgkqhkiG9w0BAQEFAASC only')).toBe(`a log line quoting ${REDACTED} only`);
    // The whole key keeps its line count, so line numbers after it stay true.
    expect(keyed.redactString(`line 1\n${pem}\nline 5`)).toBe(`line 1\n${REDACTED}\n\n\nline 5`);
  });

  it('a variable the configuration names as api_key_env is a secret whatever its name, from registration on', () => {
    const local = new SecretRedactor({ LLM_SERVER: 'plain-looking-value-123' });
    expect(local.redactString('plain-looking-value-123')).toBe('plain-looking-value-123');
    expect(isSecretName('LLM_SERVER')).toBe(false);
    registerSecretVariable('LLM_SERVER');
    expect(isSecretName('LLM_SERVER')).toBe(true);
    expect(local.redactString('got plain-looking-value-123')).toBe(`got ${REDACTED}`);
  });

  it('returns the same object when nothing is secret, and never mutates its input', () => {
    const clean = { a: ['b', { c: 'd' }] };
    expect(redactor.redact(clean)).toBe(clean);
    const dirty = { a: ['hunter2hunter2'] };
    const copy = redactor.redact(dirty);
    expect(copy).toEqual({ a: [REDACTED] });
    expect(dirty.a[0]).toBe('hunter2hunter2');
  });

  it('shares one name list with the command environment (AUTH included)', () => {
    for (const name of ['OPENAI_API_KEY', 'GITHUB_TOKEN', 'AWS_SECRET_ACCESS_KEY', 'PGPASSWORD', 'BASIC_AUTH', 'GOOGLE_APPLICATION_CREDENTIALS', 'SESSION_COOKIE', 'SSH_PRIVATE']) {
      expect(isSecretName(name), name).toBe(true);
    }
    for (const name of ['PATH', 'HOME', 'LANG', 'CI', 'NODE_ENV', 'GIT_AUTHOR_NAME', 'XAUTHORITY']) expect(isSecretName(name), name).toBe(false);
  });
});
