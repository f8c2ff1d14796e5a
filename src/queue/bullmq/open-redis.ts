import { Redis } from 'ioredis';
import { QueueUnavailableError } from '../queue-errors.js';
import { connectionOptions, type RedisAddress } from './redis-url.js';

/**
 * A Redis connection that is ready, or a QueueUnavailableError after `timeoutMs`: a run or a
 * worker pointed at a Redis that is not there says so instead of waiting forever.
 */
export async function openRedis(address: RedisAddress, timeoutMs: number, purpose: string): Promise<Redis> {
  const redis = new Redis({ ...connectionOptions(address), lazyConnect: true, connectionName: `whaleflow-${purpose}` });
  redis.on('error', () => undefined); // reported through the readiness wait and the callers' own checks
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      redis.connect(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new QueueUnavailableError(address.display, `cannot reach Redis at ${address.display} (waited ${Math.round(timeoutMs / 1000)} s); is redis-server running?`)), timeoutMs);
      }),
    ]);
    return redis;
  } catch (error) {
    redis.disconnect();
    if (error instanceof QueueUnavailableError) throw error;
    throw new QueueUnavailableError(address.display, `cannot reach Redis at ${address.display}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  } finally {
    clearTimeout(timer);
  }
}
