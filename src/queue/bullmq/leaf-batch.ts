import { z } from 'zod';
import { sha256Hex } from '../../util/index.js';
import type { LeafJob } from '../leaf-job.js';

/** The version of the batch format; a worker refuses a batch of another version instead of guessing. */
export const LEAF_BATCH_VERSION = 1;

/**
 * One BullMQ job: leaf jobs of one run that were ready at the same moment, handed to one worker
 * together. Batching pays BullMQ's fixed cost per job (adding it, moving it to active and to
 * completed, its events) once per batch instead of once per leaf; each member is still its own
 * effect, with its own id, outcome, cancel and exactly-once record (docs/distributed.md).
 */
export interface LeafBatch {
  readonly version: typeof LEAF_BATCH_VERSION;
  readonly batchId: string;
  /** The first run of the resume chain, whose channel carries the members' progress and outcomes. */
  readonly lineage: string;
  readonly members: readonly LeafJob[];
  /**
   * The coordinator queues again what a worker hands back unrun (a member with no free leaf slot
   * for it). Absent from batches of older coordinators, which would read a handed-back member as
   * an unreadable outcome: a worker then keeps every member, as before.
   */
  readonly handBack?: true;
}

/**
 * A batch's id, derived from its members' job ids: adding the same batch again (after Redis lost
 * it) names the same BullMQ job. What keeps a resumed run from queueing a member twice is the
 * member index (each member's batch, recorded before the batch is added), since a resume may
 * group ready leaves differently.
 */
export function leafBatchId(memberJobIds: readonly string[]): string {
  return `batch-${sha256Hex(JSON.stringify([...memberJobIds].sort())).slice(0, 40)}`;
}

export function leafBatchOf(lineage: string, members: readonly LeafJob[]): LeafBatch {
  return { version: LEAF_BATCH_VERSION, batchId: leafBatchId(members.map((member) => member.jobId)), lineage, members, handBack: true };
}

/** The batch envelope; each member is checked on its own (a malformed member fails alone). */
export const leafBatchSchema = z.object({
  version: z.literal(LEAF_BATCH_VERSION),
  batchId: z.string().min(1),
  lineage: z.string().min(1),
  members: z.array(z.unknown()).min(1),
  handBack: z.literal(true).optional(),
});

/** What a worker returns when a batch is done; the members' outcomes are in the batch's outcome record. */
export interface LeafBatchSummary {
  readonly batchId: string;
  readonly members: number;
  readonly ran: number;
}
