import { EMPTY_LIST } from './schema/empty-list.js';
import type { BudgetSpec } from './schema/budget-spec.js';
import type { ModelPolicy } from './schema/model-policy.js';
import type { BranchSpec, LeafSpec, NodeSpec, ReduceSpec, SequenceSpec } from './schema/node-spec.js';
import { BranchSpecSchema, SequenceSpecSchema } from './schema/node-spec.js';
import { UNDECLARED_PERMISSIONS, type PermissionSpec } from './schema/permission-spec.js';
import type { PromotionGate, PromotionPolicy } from './schema/promotion-policy.js';
import { WorkflowSpecSchema, type WorkflowSpec } from './schema/workflow-spec.js';

/**
 * A reader for the shapes wide workflows are made of — leaves, reduces, branch sets and
 * sequences with plain fields — that builds exactly what `WorkflowSpecSchema` would (same
 * values, same key order), without zod. Zod walks every field of every node through its
 * generic machinery and allocates as it goes: at 10,000 leaves that was a third of compiling
 * the workflow. Anything this reader is not sure of (another node kind, an unknown or
 * `undefined` field, a value outside a field's simple form) it hands to zod: a node of another
 * kind is parsed by zod on its own (`parseOther`), and any doubt about a common one returns
 * `undefined`, so the caller parses the whole document with zod, which also words the errors.
 * `read-common-spec.test.ts` holds the two readers to the same output.
 */
export function readCommonSpec(raw: unknown, parseOther: (node: RawObject) => NodeSpec | undefined, readAhead?: LeavesReadAhead): WorkflowSpec | undefined {
  if (!isObject(raw) || !Array.isArray(raw.nodes)) return undefined;
  const nodes = readNodeList(raw.nodes, { parseOther, readAhead });
  if (!nodes || (readAhead && readAhead.taken !== readAhead.leaves.length)) return undefined;
  const top = readWorkflowFields(raw);
  if (!top) return undefined;
  top.nodes = nodes;
  return top;
}

/**
 * The workflow's own fields, read here when they have their plain forms, else by zod with an
 * empty node list standing in. Zod's first parse in a process builds its schemas' shapes and
 * runs cold: ~1.5–2 ms for this one object and the fan-out's branch, most of what is left of
 * reading a 2,000-leaf document.
 */
function readWorkflowFields(raw: RawObject): WorkflowSpec | undefined {
  return ownFields(raw, plainWorkflowFields, WorkflowSpecSchema, 'nodes');
}

/**
 * An object's own fields without its node list: read by `plain` when they have their plain
 * forms, else by `schema` with an empty list under `listKey`; undefined when neither is sure.
 */
function ownFields<T>(raw: RawObject, plain: (raw: RawObject) => T, schema: OwnFieldsSchema<T>, listKey: 'nodes' | 'children'): T | undefined {
  const own = unlessUnsure(() => plain(raw));
  if (own) return own;
  // `jitless`: zod would generate and compile a parser for this one object.
  const parsed = schema.safeParse({ ...raw, [listKey]: EMPTY_LIST }, JITLESS);
  return parsed.success ? parsed.data : undefined;
}

/** What ownFields asks of a zod schema. */
interface OwnFieldsSchema<T> {
  safeParse(value: unknown, params: typeof JITLESS): { readonly success: true; readonly data: T } | { readonly success: false };
}

function plainWorkflowFields(raw: RawObject): WorkflowSpec {
  onlyFields(raw, WORKFLOW_FIELDS);
  return {
    id: nullableText(raw.id),
    goal: text(raw.goal),
    description: nullableText(raw.description),
    budget: budget(raw.budget),
    permissions: permissions(raw.permissions),
    model_policy: modelPolicy(raw.model_policy),
    promotion_policy: promotionPolicy(raw.promotion_policy),
    nodes: [],
  };
}

type RawObject = Record<string, unknown>;

/** Zod's own path, not its generated one: the same result, without compiling code for one parse per process. */
const JITLESS = { jitless: true } as const;

function isObject(value: unknown): value is RawObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Defaults shared by every node that leaves the field out, frozen like EMPTY_LIST: a
 * 100,000-leaf spec would otherwise hold 300,000 identical objects. Code that tried to change
 * one in place (nothing should: a parsed spec is read-only) fails loudly.
 */
const DEFAULT_BUDGET: BudgetSpec = Object.freeze({ max_steps: null, timeout_secs: null, max_parallel: null, max_tokens: null });
const DEFAULT_MODEL_POLICY: ModelPolicy = Object.freeze({ provider: null, model: null, fallback_models: EMPTY_LIST });
/**
 * What a document that writes the defaults out gets, shared like the defaults above: a spec read
 * back from its canonical JSON (a recorded run's, for replay and resume) has every field written,
 * and each leaf held its own copies, so a fan-out's leaves were never alike by identity and the
 * spec's text was serialized leaf by leaf (LeafJsonTemplate). Declared permissions stay apart
 * from UNDECLARED_PERMISSIONS: validation reads that identity as "declares nothing".
 */
const DECLARED_DEFAULT_PERMISSIONS: PermissionSpec = Object.freeze({ allow_write: false, allow_network: false, allowed_tools: EMPTY_LIST, file_scope: EMPTY_LIST });

const AGENT_TYPES: ReadonlySet<unknown> = new Set(['general', 'explore', 'plan', 'review', 'implementer', 'verifier']);
const LEAF_MODES: ReadonlySet<unknown> = new Set(['read_only', 'read_write']);
const ISOLATIONS: ReadonlySet<unknown> = new Set(['shared', 'worktree']);
const ROLE = /^[a-z][a-z0-9_-]*$/;

const LEAF_FIELDS: ReadonlySet<string> = new Set([
  'id', 'prompt', 'agent_type', 'mode', 'isolation', 'file_scope', 'depends_on_results', 'budget', 'permissions', 'model_policy', 'role', 'command', 'expect_exit',
]);
const REDUCE_FIELDS: ReadonlySet<string> = new Set(['id', 'inputs', 'prompt', 'model_policy', 'role']);
const CODEWHALE_BUDGET_FIELDS = ['max_steps', 'timeout_secs', 'max_parallel', 'max_tokens'] as const;
const EXTENSION_BUDGET_FIELDS = ['max_cost_microusd', 'max_leaves'] as const;
const BUDGET_FIELDS: ReadonlySet<string> = new Set([...CODEWHALE_BUDGET_FIELDS, ...EXTENSION_BUDGET_FIELDS]);
const PERMISSION_FIELDS: ReadonlySet<string> = new Set(['allow_write', 'allow_network', 'allowed_tools', 'file_scope']);
const MODEL_POLICY_FIELDS: ReadonlySet<string> = new Set(['provider', 'model', 'fallback_models']);
const WORKFLOW_FIELDS: ReadonlySet<string> = new Set(['id', 'goal', 'description', 'budget', 'permissions', 'model_policy', 'promotion_policy', 'nodes']);
const BRANCH_FIELDS: ReadonlySet<string> = new Set(['id', 'description', 'parallel', 'budget', 'permissions', 'model_policy', 'children']);
const SEQUENCE_FIELDS: ReadonlySet<string> = new Set(['id', 'children']);
const PROMOTION_POLICY_FIELDS: ReadonlySet<string> = new Set(['strategy', 'require_teacher_review', 'min_successful_branches', 'promotion_gate']);
const PROMOTION_GATE_FIELDS: ReadonlySet<string> = new Set(['min_score_delta', 'max_cost_delta_microusd', 'require_all_tests_pass', 'reject_policy_violations', 'reject_stale_replay']);
const PROMOTION_STRATEGIES: ReadonlySet<unknown> = new Set(['all', 'first_success', 'best_score', 'teacher_selected']);

/** Thrown inside the reader when a value needs zod's judgement; caught once per document. */
const UNSURE = Symbol('unsure');

/**
 * Leaf nodes read ahead of the document (parse-recorded-spec.ts), each standing in it as a number,
 * `base` + its index, `base` drawn at random: the numbers met where nodes are must be these, in
 * order, and all of them taken, or the reader is unsure. A stand-in anywhere else breaks the
 * order, and a number the document held itself cannot be guessed to take one's place.
 */
export interface LeavesReadAhead {
  readonly leaves: readonly NodeSpec[];
  readonly base: number;
  taken: number;
}

/** How a node this reader does not read itself is read: zod for another kind, a number from the leaves read ahead. */
interface NodeReaders {
  readonly parseOther: (node: RawObject) => NodeSpec | undefined;
  readonly readAhead: LeavesReadAhead | undefined;
}

function readNodeList(list: readonly unknown[], readers: NodeReaders): NodeSpec[] | undefined {
  return unlessUnsure(() => list.map((node) => readNode(node, readers)));
}

/** The leaf a recorded spec's reader read ahead (see LeavesReadAhead), if `node` is the next one's number. */
function leafReadAhead(node: number, readAhead: LeavesReadAhead | undefined): NodeSpec {
  if (!readAhead || node !== readAhead.base + readAhead.taken || readAhead.taken >= readAhead.leaves.length) throw UNSURE;
  return readAhead.leaves[readAhead.taken++]!;
}

/** What `read` gives, or undefined where it was unsure. */
function unlessUnsure<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch (error) {
    if (error === UNSURE) return undefined;
    throw error;
  }
}

/** A common node read here; any other, or a common one this reader is unsure of, parsed by zod alone. */
function readNode(node: unknown, readers: NodeReaders): NodeSpec {
  if (typeof node === 'number') return leafReadAhead(node, readers.readAhead);
  if (!isObject(node)) throw UNSURE;
  try {
    const read = readCommonNode(node, readers);
    if (read) return read;
  } catch (error) {
    if (error !== UNSURE) throw error;
  }
  const parsed = readers.parseOther(node);
  if (!parsed) throw UNSURE;
  return parsed;
}

function readCommonNode(node: RawObject, readers: NodeReaders): NodeSpec | undefined {
  const spec = node.spec;
  if (!isObject(spec)) return undefined;
  switch (node.kind) {
    case 'leaf':
      return { kind: 'leaf', spec: readLeaf(spec) };
    case 'reduce':
      return { kind: 'reduce', spec: readReduce(spec) };
    case 'branch_set':
      return { kind: 'branch_set', spec: readContainer(spec, BranchSpecSchema, readers) as BranchSpec };
    case 'sequence':
      return { kind: 'sequence', spec: readContainer(spec, SequenceSpecSchema, readers) as SequenceSpec };
    default:
      return undefined;
  }
}

/** A leaf's spec as this reader reads it, or undefined where it is unsure (parse-recorded-spec.ts reads a recorded spec's leaves like one). */
export function readLeafSpec(spec: unknown): LeafSpec | undefined {
  return isObject(spec) ? unlessUnsure(() => readLeaf(spec)) : undefined;
}

/** A leaf in the schema's field order; optional fields only when given. */
function readLeaf(spec: RawObject): LeafSpec {
  const plain = plainLeaf(spec);
  if (plain) return plain;
  onlyFields(spec, LEAF_FIELDS);
  const leaf: LeafSpec = {
    id: text(spec.id),
    prompt: text(spec.prompt),
    agent_type: oneOf(spec.agent_type, AGENT_TYPES, 'general') as LeafSpec['agent_type'],
    mode: oneOf(spec.mode, LEAF_MODES, 'read_only') as LeafSpec['mode'],
    isolation: oneOf(spec.isolation, ISOLATIONS, 'shared') as LeafSpec['isolation'],
    file_scope: textList(spec.file_scope),
    depends_on_results: textList(spec.depends_on_results),
    budget: budget(spec.budget),
    permissions: permissions(spec.permissions),
    model_policy: modelPolicy(spec.model_policy),
  };
  if ('role' in spec) leaf.role = role(spec.role);
  if ('command' in spec) leaf.command = text(spec.command);
  if ('expect_exit' in spec) leaf.expect_exit = integer(spec.expect_exit);
  return leaf;
}

/**
 * A leaf that writes its id and prompt and nothing else (a wide fan-out's leaves): what readLeaf's
 * field readers give it, without a call per field. The reader runs once per leaf, cold.
 */
function plainLeaf(spec: RawObject): LeafSpec | undefined {
  let fields = 0;
  for (const key in spec) {
    if (key !== 'id' && key !== 'prompt') return undefined;
    fields += 1;
  }
  const { id, prompt } = spec;
  if (fields !== 2 || typeof id !== 'string' || typeof prompt !== 'string') return undefined;
  return {
    id,
    prompt,
    agent_type: 'general',
    mode: 'read_only',
    isolation: 'shared',
    file_scope: EMPTY_LIST,
    depends_on_results: EMPTY_LIST,
    budget: DEFAULT_BUDGET,
    permissions: UNDECLARED_PERMISSIONS,
    model_policy: DEFAULT_MODEL_POLICY,
  };
}

function readReduce(spec: RawObject): ReduceSpec {
  onlyFields(spec, REDUCE_FIELDS);
  const reduce: ReduceSpec = { id: text(spec.id), inputs: textList(spec.inputs), prompt: text(spec.prompt), model_policy: modelPolicy(spec.model_policy) };
  if ('role' in spec) reduce.role = role(spec.role);
  return reduce;
}

/** A branch set's or sequence's own fields (read here in their plain forms, else by zod: one object each), its children read here. */
function readContainer(
  spec: RawObject,
  schema: typeof BranchSpecSchema | typeof SequenceSpecSchema,
  readers: NodeReaders,
): BranchSpec | SequenceSpec {
  const children = spec.children;
  if (children !== undefined && !Array.isArray(children)) throw UNSURE;
  const own = readContainerFields(spec, schema);
  if (children) own.children = children.map((child) => readNode(child, readers));
  return own;
}

function readContainerFields(spec: RawObject, schema: typeof BranchSpecSchema | typeof SequenceSpecSchema): BranchSpec | SequenceSpec {
  const own = schema === SequenceSpecSchema ? ownFields(spec, plainSequenceFields, SequenceSpecSchema, 'children') : ownFields(spec, plainBranchFields, BranchSpecSchema, 'children');
  if (!own) throw UNSURE;
  return own;
}

function plainSequenceFields(spec: RawObject): SequenceSpec {
  onlyFields(spec, SEQUENCE_FIELDS);
  return { id: text(spec.id), children: [] };
}

function plainBranchFields(spec: RawObject): BranchSpec {
  onlyFields(spec, BRANCH_FIELDS);
  return {
    id: text(spec.id),
    description: nullableText(spec.description),
    parallel: flag(spec.parallel),
    budget: budget(spec.budget),
    permissions: permissions(spec.permissions),
    model_policy: modelPolicy(spec.model_policy),
    children: [],
  };
}

function onlyFields(object: RawObject, known: ReadonlySet<string>): void {
  for (const key in object) {
    if (!known.has(key) || object[key] === undefined) throw UNSURE;
  }
}

function text(value: unknown): string {
  if (typeof value !== 'string') throw UNSURE;
  return value;
}

function nullableText(value: unknown): string | null {
  return value === undefined || value === null ? null : text(value);
}

function oneOf(value: unknown, allowed: ReadonlySet<unknown>, fallback: string): string {
  if (value === undefined) return fallback;
  if (!allowed.has(value)) throw UNSURE;
  return value as string;
}

function role(value: unknown): string {
  if (typeof value !== 'string' || !ROLE.test(value)) throw UNSURE;
  return value;
}

function integer(value: unknown): number {
  if (!Number.isSafeInteger(value)) throw UNSURE;
  return value as number;
}

function count(value: unknown): number {
  const number = integer(value);
  if (number < 0) throw UNSURE;
  return number;
}

function nullableCount(value: unknown): number | null {
  return value === undefined || value === null ? null : count(value);
}

function flag(value: unknown, fallback = false): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw UNSURE;
  return value;
}

function textList(value: unknown): string[] {
  if (value === undefined) return EMPTY_LIST;
  if (!Array.isArray(value)) throw UNSURE;
  if (value.length === 0) return EMPTY_LIST;
  for (const item of value) if (typeof item !== 'string') throw UNSURE;
  return value.slice();
}

function budget(value: unknown): BudgetSpec {
  if (value === undefined) return DEFAULT_BUDGET;
  if (!isObject(value)) throw UNSURE;
  onlyFields(value, BUDGET_FIELDS);
  const read: Record<string, number | null> = {};
  for (const field of CODEWHALE_BUDGET_FIELDS) read[field] = nullableCount(value[field]); // always present, in this order
  let extended = false;
  for (const field of EXTENSION_BUDGET_FIELDS) {
    if (!(field in value)) continue;
    read[field] = count(value[field]);
    extended = true;
  }
  if (!extended && read.max_steps === null && read.timeout_secs === null && read.max_parallel === null && read.max_tokens === null) return DEFAULT_BUDGET;
  return read as BudgetSpec;
}

function permissions(value: unknown): PermissionSpec {
  if (value === undefined) return UNDECLARED_PERMISSIONS;
  if (!isObject(value)) throw UNSURE;
  onlyFields(value, PERMISSION_FIELDS);
  const read: PermissionSpec = {
    allow_write: flag(value.allow_write),
    allow_network: flag(value.allow_network),
    allowed_tools: textList(value.allowed_tools),
    file_scope: textList(value.file_scope),
  };
  const declaresDefaults = !read.allow_write && !read.allow_network && read.allowed_tools === EMPTY_LIST && read.file_scope === EMPTY_LIST;
  return declaresDefaults ? DECLARED_DEFAULT_PERMISSIONS : read;
}

function modelPolicy(value: unknown): ModelPolicy {
  if (value === undefined) return DEFAULT_MODEL_POLICY;
  if (!isObject(value)) throw UNSURE;
  onlyFields(value, MODEL_POLICY_FIELDS);
  const read: ModelPolicy = { provider: nullableText(value.provider), model: nullableText(value.model), fallback_models: textList(value.fallback_models) };
  return read.provider === null && read.model === null && read.fallback_models === EMPTY_LIST ? DEFAULT_MODEL_POLICY : read;
}

/** A fresh object, as zod gives: the workflow has one, and nothing shares it. */
function promotionPolicy(value: unknown): PromotionPolicy {
  if (value === undefined) value = {};
  if (!isObject(value)) throw UNSURE;
  onlyFields(value, PROMOTION_POLICY_FIELDS);
  return {
    strategy: oneOf(value.strategy, PROMOTION_STRATEGIES, 'all') as PromotionPolicy['strategy'],
    require_teacher_review: flag(value.require_teacher_review),
    min_successful_branches: nullableCount(value.min_successful_branches),
    promotion_gate: promotionGate(value.promotion_gate),
  };
}

function promotionGate(value: unknown): PromotionGate {
  if (value === undefined) value = {};
  if (!isObject(value)) throw UNSURE;
  onlyFields(value, PROMOTION_GATE_FIELDS);
  return {
    min_score_delta: value.min_score_delta === undefined ? 1 : integer(value.min_score_delta),
    max_cost_delta_microusd: value.max_cost_delta_microusd === undefined || value.max_cost_delta_microusd === null ? null : integer(value.max_cost_delta_microusd),
    require_all_tests_pass: flag(value.require_all_tests_pass, true),
    reject_policy_violations: flag(value.reject_policy_violations, true),
    reject_stale_replay: flag(value.reject_stale_replay, true),
  };
}
