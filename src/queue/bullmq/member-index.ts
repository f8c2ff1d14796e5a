import type { Redis } from 'ioredis';
import type { QueueKeys } from './queue-keys.js';

/**
 * Writes a batch's members into the run's member index (member job id → batch id) and renews the
 * index's expiry, atomically, as one command. One script command rather than a MULTI: the
 * coordinator's connection also carries BullMQ's scripts, and ioredis copies every script a
 * connection knows onto each pipeline or MULTI it makes — per batch, that copy cost more CPU
 * than the write itself.
 */
const INDEX_SCRIPT = `
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
redis.call('EXPIRE', KEYS[1], ARGV[1])
`;

const COMMAND = 'whaleflowIndexMembers';
const defined = new WeakSet<Redis>();

type WithIndex = Redis & { [COMMAND](key: string, ttlSeconds: number, ...pairs: string[]): Promise<unknown> };

/**
 * Indexes `memberJobIds` under `batchId` for `lineage`. Sent at once on `redis`: a command issued
 * on the same connection afterwards (the batch's add) reaches Redis after it.
 */
export function indexMembers(redis: Redis, keys: QueueKeys, lineage: string, batchId: string, memberJobIds: readonly string[], ttlSeconds: number): Promise<unknown> {
  if (!defined.has(redis)) {
    redis.defineCommand(COMMAND, { numberOfKeys: 1, lua: INDEX_SCRIPT });
    defined.add(redis);
  }
  return (redis as WithIndex)[COMMAND](keys.members(lineage), ttlSeconds, ...memberJobIds.flatMap((jobId) => [jobId, batchId]));
}

/** The batch a member was queued in for `lineage`, or null when it was never queued (or its index expired). */
export function batchOfMember(redis: Redis, keys: QueueKeys, lineage: string, jobId: string): Promise<string | null> {
  return redis.hget(keys.members(lineage), jobId);
}
