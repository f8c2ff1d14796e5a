import type { ChainableCommander, Redis } from 'ioredis';
import type { LeafJobOutcome } from '../leaf-job-outcome.js';
import type { QueueKeys } from './queue-keys.js';

/**
 * What a batch's record holds for one member, stored and published as JSON: its outcome, or —
 * `handedBack`, naming the batch — that the worker which took the batch had no free leaf slot for
 * it and gave it back unrun, for the coordinator to queue again. Either is written first-wins, so
 * a member is never both handed back and run by one delivery of its batch.
 */
export type MemberOutcome = { readonly jobId: string; readonly outcome: LeafJobOutcome } | { readonly jobId: string; readonly handedBack: string };

/** What the record of a batch says of its members: their outcomes, and those handed back unrun. */
export interface RecordedMembers {
  readonly outcomes: Map<string, unknown>;
  readonly handedBack: Set<string>;
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

/** Every outcome recorded for a batch so far, by member job id, and the members handed back (unreadable entries are left out). */
export async function readOutcomes(redis: Redis, keys: QueueKeys, batchId: string): Promise<RecordedMembers> {
  const stored = await redis.hgetall(keys.batchOutcomes(batchId));
  const recorded: RecordedMembers = { outcomes: new Map(), handedBack: new Set() };
  for (const [jobId, text] of Object.entries(stored)) {
    const entry = parseRecorded(text);
    if (entry === undefined) continue; // a damaged entry: the member counts as not finished and runs again
    if ('handedBack' in entry) recorded.handedBack.add(jobId);
    else recorded.outcomes.set(jobId, entry.outcome);
  }
  return recorded;
}

/** One stored entry: `{ outcome }`, `{ handedBack }`, or undefined when it is neither. */
export function parseRecorded(text: string): { readonly outcome: unknown } | { readonly handedBack: string } | undefined {
  try {
    const entry = JSON.parse(text) as { outcome?: unknown; handedBack?: unknown };
    if (typeof entry.handedBack === 'string') return { handedBack: entry.handedBack };
    return { outcome: entry.outcome };
  } catch {
    return undefined;
  }
}

/** The member job ids a batch has outcomes for, or handed back (a redelivered batch skips them). */
export async function finishedMembers(redis: Redis, keys: QueueKeys, batchId: string): Promise<Set<string>> {
  return new Set(await redis.hkeys(keys.batchOutcomes(batchId)));
}
