import type { z } from 'zod';
import type { Diagnostic } from '../util/index.js';
import { describeCondition, ConditionSpecSchema } from './schema/condition-spec.js';
import { NODE_KINDS } from './schema/enums.js';
import { NodeSpecSchema, type NodeSpec } from './schema/node-spec.js';
import { WorkflowSpecSchema, type WorkflowSpec } from './schema/workflow-spec.js';
import { readCommonSpec } from './read-common-spec.js';
import { formatDocumentPath, type DocumentPath, type SpecSource } from './source-map.js';

export type ParseResult =
  | { readonly ok: true; readonly spec: WorkflowSpec }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

type RawObject = Record<string, unknown>;

function isObject(value: unknown): value is RawObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const CHILD_LIST_FIELDS = ['children', 'then_nodes', 'else_nodes'] as const;
const knownKinds: ReadonlySet<string> = new Set(NODE_KINDS);

/**
 * Turns a raw document (from JSON, YAML, Starlark…) into a typed WorkflowSpec: defaults are
 * filled, unknown spec fields are ignored, unknown node kinds are rejected. Every problem is
 * reported, each with the path and (when the source is known) the file position.
 */
export function parseWorkflowSpec(raw: unknown, source?: SpecSource): ParseResult {
  const common = readCommonSpec(raw, parseOtherNode);
  if (common) return { ok: true, spec: common };
  return parseWithSchema(raw, source);
}

/** Zod's reading of the whole document: every spec the common reader is unsure of, and every error. Exported for the readers' equivalence test. */
export function parseWithSchema(raw: unknown, source?: SpecSource): ParseResult {
  const diagnostics: Diagnostic[] = [];
  const prepared = prepareDocument(raw, diagnostics, source);
  const parsed = WorkflowSpecSchema.safeParse(prepared);
  if (parsed.success && diagnostics.length === 0) return { ok: true, spec: parsed.data };
  if (!parsed.success) diagnostics.push(...parsed.error.issues.map((issue) => issueToDiagnostic(issue, prepared, source)));
  return { ok: false, diagnostics };
}

/** One node the common reader leaves to zod, prepared as in a whole document; undefined when it has a problem. */
export function parseOtherNode(node: RawObject): NodeSpec | undefined {
  const problems: Diagnostic[] = [];
  const parsed = NodeSpecSchema.safeParse(prepareNode(node, [], problems));
  return parsed.success && problems.length === 0 ? parsed.data : undefined;
}

/**
 * Checks node kinds (for a clearer message than a union mismatch) and fills a loop's or
 * cond's free-text `condition` from its structured condition when only the latter was given.
 * Copies what it changes; the caller's document is left as it was.
 */
function prepareDocument(raw: unknown, diagnostics: Diagnostic[], source?: SpecSource): unknown {
  if (!isObject(raw)) {
    diagnostics.push(schemaDiagnostic([], `a workflow must be an object with a "goal" and "nodes", not ${describeValue(raw)}`, source));
    return raw;
  }
  const nodes = raw.nodes;
  if (!Array.isArray(nodes)) return raw;
  return { ...raw, nodes: nodes.map((node, index) => prepareNode(node, ['nodes', index], diagnostics, source)) };
}

function prepareNode(node: unknown, path: DocumentPath, diagnostics: Diagnostic[], source?: SpecSource): unknown {
  const shorthand = shorthandKind(node);
  if (shorthand !== undefined) {
    const body = (node as RawObject)[shorthand];
    const id = isObject(body) ? body.id : undefined;
    diagnostics.push(
      schemaDiagnostic([...path, shorthand], `a node is written {kind: ${shorthand}, spec: {...}}, not {${shorthand}: {...}}`, source, id),
    );
    return standIn(id);
  }
  if (!isObject(node) || !isObject(node.spec)) return node;
  const kind = node.kind;
  if (typeof kind === 'string' && !knownKinds.has(kind)) {
    diagnostics.push(
      schemaDiagnostic([...path, 'kind'], `unknown node kind "${kind}" (expected one of ${NODE_KINDS.join(', ')})`, source, node.spec.id),
    );
    return standIn(node.spec.id);
  }
  let spec: RawObject = node.spec;
  const structured = kind === 'loop_until' ? spec.until : kind === 'cond' ? spec.when : undefined;
  if (spec.condition === undefined && structured !== undefined) {
    const condition = ConditionSpecSchema.safeParse(structured);
    if (condition.success) spec = { ...spec, condition: describeCondition(condition.data) };
  }
  for (const field of CHILD_LIST_FIELDS) {
    const children = spec[field];
    if (Array.isArray(children)) {
      spec = { ...spec, [field]: children.map((child, index) => prepareNode(child, [...path, 'spec', field, index], diagnostics, source)) };
    }
  }
  if (isObject(spec.template)) {
    spec = { ...spec, template: prepareNode(spec.template, [...path, 'spec', 'template'], diagnostics, source) };
  }
  return spec === node.spec ? node : { ...node, spec };
}

/** The kind a node names as its only key when written `{leaf: {...}}` instead of `{kind: leaf, spec: {...}}`. */
function shorthandKind(node: unknown): string | undefined {
  if (!isObject(node) || node.kind !== undefined || node.spec !== undefined) return undefined;
  const keys = Object.keys(node);
  return keys.length === 1 && knownKinds.has(keys[0]!) ? keys[0] : undefined;
}

/** Stands in for a node already reported, so the schema pass still reports the document's other errors. */
function standIn(id: unknown): unknown {
  return { kind: 'sequence', spec: { id: typeof id === 'string' ? id : '', children: [] } };
}

function issueToDiagnostic(issue: z.core.$ZodIssue, document: unknown, source?: SpecSource): Diagnostic {
  const path = issue.path.filter((segment): segment is string | number => typeof segment !== 'symbol');
  const nodeId = nearestNodeId(document, path);
  const specIndex = path.lastIndexOf('spec');
  // Inside a node, name the node and its field; elsewhere, the document path.
  const where =
    nodeId !== undefined && specIndex >= 0 && specIndex < path.length - 1
      ? `node "${nodeId}": ${formatDocumentPath(path.slice(specIndex + 1))}`
      : formatDocumentPath(path);
  return schemaDiagnostic(path, describeIssue(issue, document, path, where), source, nodeId);
}

function describeIssue(issue: z.core.$ZodIssue, document: unknown, path: DocumentPath, where: string): string {
  switch (issue.code) {
    case 'invalid_type': {
      const actual = valueAt(document, path);
      if (actual === undefined) return `${where}: missing required field (expected ${issue.expected})`;
      return `${where}: expected ${issue.expected}, got ${describeValue(actual)}`;
    }
    case 'invalid_value':
      return `${where}: expected one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}, got ${describeValue(valueAt(document, path))}`;
    case 'invalid_union': {
      const actual = valueAt(document, path);
      if (actual === undefined) return `${where}: missing required field`;
      return `${where}: ${describeValue(actual)} matches none of the allowed forms`;
    }
    default:
      return `${where}: ${issue.message}`;
  }
}

function schemaDiagnostic(
  path: DocumentPath,
  message: string,
  source: SpecSource | undefined,
  nodeId?: unknown,
): Diagnostic {
  const position = source?.positionOf(path);
  const field = [...path].reverse().find((segment): segment is string => typeof segment === 'string' && segment !== 'spec');
  return {
    severity: 'error',
    code: 'schema',
    message,
    ...(position ? { position } : {}),
    ...(typeof nodeId === 'string' ? { nodeId } : {}),
    ...(field ? { field } : {}),
  };
}

function valueAt(document: unknown, path: DocumentPath): unknown {
  let current = document;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[segment];
  }
  return current;
}

/** The id of the innermost node on the path, so a type error can name its node. */
function nearestNodeId(document: unknown, path: DocumentPath): string | undefined {
  for (let length = path.length; length > 0; length -= 1) {
    if (path[length - 1] !== 'spec') continue;
    const spec = valueAt(document, path.slice(0, length));
    if (isObject(spec) && typeof spec.id === 'string') return spec.id;
  }
  return undefined;
}

export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return value.length > 40 ? `a string ("${value.slice(0, 37)}...")` : `"${value}"`;
  return `${typeof value} ${String(value)}`;
}
