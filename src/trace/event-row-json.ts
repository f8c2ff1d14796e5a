// Types only from ir/ and engine/ (see event-row.ts: the trace writer's thread loads this module's neighbours).
import type { MemoUsage } from '../ir/index.js';
import type { RunEvent } from '../engine/contracts/index.js';
import { eventRowBody, isZeroMemo } from './event-row.js';
import type { OutputReference } from './output-reference.js';

/**
 * The JSON text of an event's row body: exactly `JSON.stringify(eventRowBody(event, reference))`,
 * byte for byte, built faster for the four events every leaf emits. They are serialized on the
 * engine's thread as they are emitted; at 10,000 leaves that was ~15,000 instructions an event
 * in V8's generic JSON.stringify (a toJSON lookup and a property walk per object, a copy of the
 * event without its envelope first), about half of it here. Only an event whose own keys are
 * exactly a shape known below, in that order, with values of the expected types, takes the fast
 * path; anything else (an error, details, a field a later engine adds, a value that is not plain
 * data) is serialized by JSON.stringify as before, so the text never depends on which path made it.
 */
export function eventRowJson(event: RunEvent, outputReference?: OutputReference): string {
  return knownShapeRowJson(event, outputReference) ?? JSON.stringify(eventRowBody(event, outputReference));
}

/** Characters JSON.stringify would escape: quotes, backslashes, controls and (possibly lone) surrogates. */
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

function quote(text: string): string {
  return NEEDS_ESCAPE.test(text) ? JSON.stringify(text) : `"${text}"`;
}

/** A number as JSON.stringify writes it (NaN and infinities as null); undefined for anything else. */
function numberJson(value: unknown): string | undefined {
  if (typeof value !== 'number') return undefined;
  return Number.isFinite(value) ? `${value}` : 'null';
}

/** Whether `value` is a plain object whose own enumerable keys are exactly `keys`, in order. */
function hasKeys(value: unknown, keys: readonly string[]): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || 'toJSON' in value) return false;
  const own = Object.keys(value);
  if (own.length !== keys.length) return false;
  for (let index = 0; index < keys.length; index += 1) if (own[index] !== keys[index]) return false;
  return true;
}

const STARTED_KEYS = ['type', 'runId', 'at', 'nodeId', 'kind', 'parentId', 'iteration'];
const STARTED_ROLE_KEYS = [...STARTED_KEYS, 'role'];
const REQUESTED_KEYS = ['type', 'runId', 'at', 'kind', 'key', 'scope', 'ordinal', 'input'];
const COMPLETED_KEYS = ['type', 'runId', 'at', 'kind', 'key', 'scope', 'ordinal', 'source', 'durationMs', 'result'];
const FINISHED_KEYS = ['type', 'runId', 'at', 'nodeId', 'kind', 'iteration', 'status', 'output', 'usage', 'memoUsage'];
const SCOPE_KEYS = ['nodeId', 'iteration'];
const RESULT_KEYS = ['status', 'output', 'usage', 'memo_usage'];
const USAGE_KEYS = ['input_tokens', 'output_tokens', 'cost_microusd'];

/** The fast text, or undefined when the event is not of a shape handled here (exported for its tests). */
export function knownShapeRowJson(event: RunEvent, outputReference: OutputReference | undefined): string | undefined {
  switch (event.type) {
    case 'node_started':
      return outputReference === undefined ? startedJson(event) : undefined;
    case 'effect_requested':
      return outputReference === undefined ? requestedJson(event) : undefined;
    case 'effect_completed':
      return outputReference === undefined ? completedJson(event) : undefined;
    case 'node_finished':
      return finishedJson(event, outputReference);
    default:
      return undefined;
  }
}

function startedJson(event: Extract<RunEvent, { type: 'node_started' }>): string | undefined {
  const withRole = event.role !== undefined;
  if (!hasKeys(event, withRole ? STARTED_ROLE_KEYS : STARTED_KEYS)) return undefined;
  const { nodeId, kind, parentId, role } = event;
  const iteration = numberJson(event.iteration);
  if (typeof nodeId !== 'string' || typeof kind !== 'string' || iteration === undefined) return undefined;
  if (parentId !== null && typeof parentId !== 'string') return undefined;
  if (withRole && typeof role !== 'string') return undefined;
  const parent = parentId === null ? 'null' : quote(parentId);
  return `{"nodeId":${quote(nodeId)},"kind":${quote(kind)},"parentId":${parent},"iteration":${iteration}${withRole ? `,"role":${quote(role!)}` : ''}}`;
}

/** `"kind":…,"key":…,"scope":{…},"ordinal":…` of an effect event, or undefined. */
function effectHead(event: Extract<RunEvent, { type: 'effect_requested' | 'effect_completed' }>): string | undefined {
  const { kind, key, scope } = event;
  const ordinal = numberJson(event.ordinal);
  if (typeof kind !== 'string' || typeof key !== 'string' || ordinal === undefined || !hasKeys(scope, SCOPE_KEYS)) return undefined;
  const iteration = numberJson(scope.iteration);
  if (typeof scope.nodeId !== 'string' || iteration === undefined) return undefined;
  return `"kind":${quote(kind)},"key":${quote(key)},"scope":{"nodeId":${quote(scope.nodeId)},"iteration":${iteration}},"ordinal":${ordinal}`;
}

function requestedJson(event: Extract<RunEvent, { type: 'effect_requested' }>): string | undefined {
  if (!hasKeys(event, REQUESTED_KEYS)) return undefined;
  const head = effectHead(event);
  // The input is whatever the effect asks with: JSON.stringify writes it as it would nested.
  const input = head === undefined ? undefined : (JSON.stringify(event.input) as string | undefined);
  return input === undefined ? undefined : `{${head},"input":${input}}`;
}

function completedJson(event: Extract<RunEvent, { type: 'effect_completed' }>): string | undefined {
  if (!hasKeys(event, COMPLETED_KEYS)) return undefined;
  const head = effectHead(event);
  const durationMs = numberJson(event.durationMs);
  const { source, result } = event;
  if (head === undefined || durationMs === undefined || typeof source !== 'string' || !hasKeys(result, RESULT_KEYS)) return undefined;
  const status = result.status;
  const output = outputJson(result.output);
  const usage = usageJson(result.usage);
  const memo = memoJson(result.memo_usage);
  if (typeof status !== 'string' || output === undefined || usage === undefined || memo === undefined) return undefined;
  return `{${head},"source":${quote(source)},"durationMs":${durationMs},"result":{"status":${quote(status)},"output":${output},"usage":${usage},"memo_usage":${memo}}}`;
}

function finishedJson(event: Extract<RunEvent, { type: 'node_finished' }>, outputReference: OutputReference | undefined): string | undefined {
  if (!hasKeys(event, FINISHED_KEYS)) return undefined;
  const { nodeId, kind, status } = event;
  const iteration = numberJson(event.iteration);
  const output = outputReference === undefined ? outputJson(event.output) : JSON.stringify(outputReference);
  const usage = usageJson(event.usage);
  const memo = memoJson(event.memoUsage);
  if (typeof nodeId !== 'string' || typeof kind !== 'string' || typeof status !== 'string') return undefined;
  if (iteration === undefined || output === undefined || usage === undefined || memo === undefined) return undefined;
  return `{"nodeId":${quote(nodeId)},"kind":${quote(kind)},"iteration":${iteration},"status":${quote(status)},"output":${output},"usage":${usage},"memoUsage":${memo}}`;
}

function outputJson(output: unknown): string | undefined {
  if (output === null) return 'null';
  return typeof output === 'string' ? quote(output) : undefined;
}

function usageJson(usage: unknown): string | undefined {
  if (!hasKeys(usage, USAGE_KEYS)) return undefined;
  const input = numberJson(usage.input_tokens);
  const output = numberJson(usage.output_tokens);
  const cost = usage.cost_microusd === null ? 'null' : numberJson(usage.cost_microusd);
  if (input === undefined || output === undefined || cost === undefined) return undefined;
  return `{"input_tokens":${input},"output_tokens":${output},"cost_microusd":${cost}}`;
}

/** A memo usage of all zeros is stored as `0` (event-row.ts); any other as JSON.stringify writes it. */
function memoJson(memo: unknown): string | undefined {
  if (typeof memo !== 'object' || memo === null) return undefined;
  return isZeroMemo(memo as MemoUsage) ? '0' : JSON.stringify(memo);
}
