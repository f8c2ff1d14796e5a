// Types only from engine/ (see event-row.ts: this file runs in the trace writer's thread too).
import type { EffectResult, RunEvent } from '../engine/contracts/index.js';
import { eventRowBody, usageOfEffect } from './event-row.js';
import { PENDING_OUTPUT_REFERENCE } from './output-reference.js';

type NodeStarted = Extract<RunEvent, { type: 'node_started' }>;
type NodeFinished = Extract<RunEvent, { type: 'node_finished' }>;

const STARTED_KEYS = ['type', 'runId', 'at', 'nodeId', 'kind', 'parentId', 'iteration'];
const STARTED_WITH_ROLE_KEYS = [...STARTED_KEYS, 'role'];
const FINISHED_KEYS = ['type', 'runId', 'at', 'nodeId', 'kind', 'iteration', 'status', 'output', 'usage', 'memoUsage'];

/** Whether `value`'s own enumerable keys are exactly `keys`, in that order (for-in allocates nothing). */
function hasKeysInOrder(value: object, keys: readonly string[]): boolean {
  let index = 0;
  for (const key in value) {
    if (key !== keys[index]) return false;
    index += 1;
  }
  return index === keys.length;
}

interface StartedText {
  readonly kind: string;
  readonly parentId: string | null;
  readonly iteration: number;
  readonly role: string | undefined;
  readonly json: string;
}

interface FinishedText {
  readonly kind: string;
  readonly iteration: number;
  readonly status: string;
  readonly json: string;
}

/**
 * The row JSON of a node's two events, kept from the last one of the same shape. Since schema 6 a
 * node row leaves its node id to the node_id column, and a node_finished whose output and usage
 * are its effect's refers to that row for them (event-row.ts), so what a leaf's node_started says
 * (kind, parent, iteration, role) and its node_finished says (kind, iteration, status and a
 * reference the writer fills in) is the same for every leaf of a fan-out: the engine's thread
 * serializes it once rather than once per leaf. The text is always JSON.stringify of the row body
 * (a replay recording by reference compares rows with that): it is reused only for an event with
 * exactly the keys it was made from and the same values.
 */
export class NodeRowTexts {
  private started: StartedText | undefined;
  private finished: FinishedText | undefined;

  /** node_started's row JSON. */
  startedJson(event: NodeStarted): string {
    const { kind, parentId, iteration, role } = event;
    const last = this.started;
    const plain = hasKeysInOrder(event, role === undefined ? STARTED_KEYS : STARTED_WITH_ROLE_KEYS);
    if (plain && last !== undefined && last.kind === kind && last.parentId === parentId && last.iteration === iteration && last.role === role) return last.json;
    const json = JSON.stringify(eventRowBody(event));
    const primitive = typeof kind === 'string' && (parentId === null || typeof parentId === 'string') && typeof iteration === 'number' && (role === undefined || typeof role === 'string');
    if (plain && primitive) this.started = { kind, parentId, iteration, role, json };
    return json;
  }

  /**
   * The row JSON of a node_finished that refers to its effect's row (with the pending reference)
   * and leaves its usage to that row; undefined when it does not (another shape, its own usage).
   */
  finishedJson(event: NodeFinished, effect: EffectResult): string | undefined {
    if (!hasKeysInOrder(event, FINISHED_KEYS) || !usageOfEffect(event, effect)) return undefined;
    const { kind, iteration, status } = event;
    const last = this.finished;
    if (last !== undefined && last.kind === kind && last.iteration === iteration && last.status === status) return last.json;
    const json = JSON.stringify(eventRowBody(event, PENDING_OUTPUT_REFERENCE, effect));
    if (typeof kind === 'string' && typeof iteration === 'number' && typeof status === 'string') this.finished = { kind, iteration, status, json };
    return json;
  }
}
