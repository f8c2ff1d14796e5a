import { describe, expect, it } from 'vitest';
import { QueueConfigurationError } from '../queue-errors.js';
import { parseRedisUrl } from './redis-url.js';

describe('parseRedisUrl', () => {
  it('reads host, port and database, and never shows the password', () => {
    const address = parseRedisUrl('redis://worker:s3cret-pass@10.0.0.5:6380/2');
    expect(address).toMatchObject({ host: '10.0.0.5', port: 6380, db: 2, username: 'worker', password: 's3cret-pass' });
    expect(address.display).toBe('redis://worker:***@10.0.0.5:6380/2');
    expect(address.display).not.toContain('s3cret');
    expect(parseRedisUrl('redis://localhost')).toMatchObject({ host: 'localhost', port: 6379, db: 0 });
  });

  it('refuses what is not a Redis URL with a clear error that hides the password', () => {
    expect(() => parseRedisUrl('localhost:6379')).toThrow(QueueConfigurationError);
    expect(() => parseRedisUrl('http://user:hunter2@host:1')).toThrow(/unsupported queue URL scheme http: in http:\/\/user:\*\*\*@host:1/);
    expect(() => parseRedisUrl('redis://host:6379/x')).toThrow(/must be a number/);
  });
});
