import { QueueConfigurationError } from '../queue-errors.js';

export interface RedisAddress {
  readonly host: string;
  readonly port: number;
  readonly db: number;
  readonly username?: string;
  readonly password?: string;
  /** The URL without its password, for messages and the trace. */
  readonly display: string;
}

/** Parses `redis://[user:password@]host[:port][/db]`; anything else is a configuration error. */
export function parseRedisUrl(url: string): RedisAddress {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new QueueConfigurationError(`not a Redis URL: ${JSON.stringify(url)} (expected redis://HOST:PORT)`);
  }
  if (parsed.protocol !== 'redis:') throw new QueueConfigurationError(`unsupported queue URL scheme ${parsed.protocol} in ${redact(parsed)} (expected redis://HOST:PORT)`);
  const port = parsed.port === '' ? 6379 : Number(parsed.port);
  const dbText = parsed.pathname.replace(/^\//, '');
  const db = dbText === '' ? 0 : Number(dbText);
  if (!Number.isInteger(db) || db < 0) throw new QueueConfigurationError(`the database in ${redact(parsed)} must be a number, e.g. redis://localhost:6379/0`);
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  if (host === '') throw new QueueConfigurationError(`no host in ${redact(parsed)}`);
  return {
    host,
    port,
    db,
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    display: redact(parsed),
  };
}

function redact(url: URL): string {
  const copy = new URL(url.href);
  if (copy.password) copy.password = '***';
  return copy.href.replace(/\/$/, '');
}

/** ioredis/BullMQ connection options for an address; commands wait through reconnects (BullMQ requires it). */
export function connectionOptions(address: RedisAddress): Record<string, unknown> {
  return {
    host: address.host,
    port: address.port,
    db: address.db,
    ...(address.username ? { username: address.username } : {}),
    ...(address.password ? { password: address.password } : {}),
    maxRetriesPerRequest: null,
    // ioredis's optional handshake commands, CLIENT SETINFO (Redis 7.2+) and CLIENT
    // MAINT_NOTIFICATIONS (Redis 8+): Debian 12's Redis 7.0 refuses all three, on every connection
    // a run or a worker opens. Neither serves a WhaleFlow connection.
    disableClientInfo: true,
    maintNotifications: 'disabled',
    // Reconnect quickly after a Redis restart; the coordinator bounds the total wait itself.
    retryStrategy: (times: number) => Math.min(100 * times, 1_000),
  };
}
