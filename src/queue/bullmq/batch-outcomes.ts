import type { ChainableCommander, Redis } from 'ioredis';
import type { LeafJobOutcome } from '../leaf-job-outcome.js';
import type { QueueKeys } from './queue-keys.js';

/** One member's outcome as it is stored and published: JSON of `{ jobId, outcome }`. */
export interface MemberOutcome {
  readonly jobId: string;
  readonly outcome: LeafJobOutcome;
}

/**
 * Records members' outcomes in the batch's outcome hash, first write wins (HSETNX), and
 * publishes the ones that won on the run's channel, in one script (one round trip, atomic): an
 * outcome is published only if it is the one recorded, so the coordinator never hears two for a
 * member. A second delivery of a batch (a worker presumed dead that was not) finds the earlier
 * outcomes there; its own are discarded and counted in the message (`discarded`), which the
 * coordinator adds to its duplicate count. Returns how many were discarded.
 */
const RECORD_SCRIPT = `
local fresh = {}
local count = (#ARGV - 2) / 2
for i = 3, #ARGV, 2 do
  if redis.call('HSETNX', KEYS[1], ARGV[i], ARGV[i + 1]) == 1 then fresh[#fresh + 1] = ARGV[i + 1] end
end
redis.call('EXPIRE', KEYS[1], ARGV[2])
local discarded = count - #fresh
redis.call('PUBLISH', ARGV[1], '{"type":"results","discarded":' .. discarded .. ',"outcomes":[' .. table.concat(fresh, ',') .. ']}')
return discarded
`;

const COMMAND = 'whaleflowRecordOutcomes';
const defined = new WeakSet<Redis>();

type WithRecord = ChainableCommander & { [COMMAND](key: string, channel: string, ttlSeconds: number, ...pairs: string[]): ChainableCommander };

/**
 * A pipeline on `redis` that can also record outcomes (recordOutcomesIn): a worker sends what one
 * tick produced — progress, outcomes, reads — as one write and one round trip.
 */
export function recordingPipeline(redis: Redis): ChainableCommander {
  if (!defined.has(redis)) {
    redis.defineCommand(COMMAND, { numberOfKeys: 1, lua: RECORD_SCRIPT });
    defined.add(redis);
  }
  return redis.pipeline();
}

/** Adds the record script for `outcomes` to a pipeline from recordingPipeline; its reply is how many were discarded. */
export function recordOutcomesIn(pipeline: ChainableCommander, keys: QueueKeys, batch: { readonly batchId: string; readonly lineage: string }, outcomes: readonly MemberOutcome[], ttlSeconds: number): void {
  const pairs = outcomes.flatMap((entry) => [entry.jobId, JSON.stringify(entry)]);
  (pipeline as WithRecord)[COMMAND](keys.batchOutcomes(batch.batchId), keys.runChannel(batch.lineage), ttlSeconds, ...pairs);
}

/** Every outcome recorded for a batch so far, by member job id (unreadable entries are left out). */
export async function readOutcomes(redis: Redis, keys: QueueKeys, batchId: string): Promise<Map<string, unknown>> {
  const stored = await redis.hgetall(keys.batchOutcomes(batchId));
  const outcomes = new Map<string, unknown>();
  for (const [jobId, text] of Object.entries(stored)) {
    try {
      outcomes.set(jobId, (JSON.parse(text) as { outcome?: unknown }).outcome);
    } catch {
      // a damaged entry: the member counts as not finished and runs again
    }
  }
  return outcomes;
}

/** The member job ids a batch has outcomes for (a redelivered batch skips them). */
export async function finishedMembers(redis: Redis, keys: QueueKeys, batchId: string): Promise<Set<string>> {
  return new Set(await redis.hkeys(keys.batchOutcomes(batchId)));
}
