import type { DocumentPath, SpecSource } from '../ir/index.js';
import type { Diagnostic } from '../util/index.js';

type Raw = Record<string, unknown>;

const ROLE_NAME = /^[a-z][a-z0-9_-]*$/;
const CHILD_LIST_FIELDS = ['children', 'then_nodes', 'else_nodes'] as const;

/**
 * Mode spellings CodeWhale workflows use that are no mode at all (upstream rejects them too):
 * refused, with the mode that was meant.
 */
const MODE_SUGGESTIONS: Readonly<Record<string, string>> = { write: 'read_write', read: 'read_only' };

export interface UpstreamForms {
  /** The document with the accepted forms normalized (the caller's document is not changed). */
  readonly document: unknown;
  readonly warnings: readonly Diagnostic[];
  readonly errors: readonly Diagnostic[];
}

/**
 * Forms found in CodeWhale's workflow files, before the shared gate: a role written
 * `" Scout "` is trimmed and lowercased as upstream does, with a warning; `mode: "write"` is
 * refused with the mode to use (the document carries the suggestion on, so the gate still
 * reports the file's other problems in the same pass).
 */
export function normalizeUpstreamForms(document: unknown, source: SpecSource): UpstreamForms {
  const warnings: Diagnostic[] = [];
  const errors: Diagnostic[] = [];
  if (!isObject(document) || !Array.isArray(document.nodes)) return { document, warnings, errors };
  const nodes = normalizeList(document.nodes, ['nodes'], source, warnings, errors);
  return { document: { ...document, nodes }, warnings, errors };
}

/**
 * The nodes of one list, each normalized; a node with nothing to normalize is kept as it is,
 * without the path array the others are given (a wide workflow is thousands of such leaves).
 */
function normalizeList(nodes: readonly unknown[], listPath: DocumentPath, source: SpecSource, warnings: Diagnostic[], errors: Diagnostic[]): unknown[] {
  const normalized = new Array<unknown>(nodes.length);
  for (let index = 0; index < nodes.length; index += 1) {
    const node = nodes[index];
    normalized[index] = isObject(node) && isObject(node.spec) && !isPlainLeafForm(node.spec) ? normalizeNode(node, [...listPath, index], source, warnings, errors) : node;
  }
  return normalized;
}

function normalizeNode(node: unknown, path: DocumentPath, source: SpecSource, warnings: Diagnostic[], errors: Diagnostic[]): unknown {
  if (!isObject(node) || !isObject(node.spec)) return node;
  if (isPlainLeafForm(node.spec)) return node; // most nodes of a wide workflow: nothing to build
  let spec: Raw = node.spec;
  const specPath = [...path, 'spec'];
  const nodeId = typeof spec.id === 'string' ? spec.id : undefined;
  const where = nodeId === undefined ? '' : `node "${nodeId}": `;
  const at = (field: string) => source.positionOf([...specPath, field]) ?? source.positionOf(specPath);
  const role = spec.role;
  if (typeof role === 'string' && !ROLE_NAME.test(role)) {
    const normalized = role.trim().toLowerCase();
    if (ROLE_NAME.test(normalized)) {
      spec = { ...spec, role: normalized };
      warnings.push(diagnostic('warning', 'role-normalized', `${where}role ${JSON.stringify(role)} is read as ${JSON.stringify(normalized)} (trimmed and lowercased, as CodeWhale does); write ${JSON.stringify(normalized)}`, at('role'), nodeId, 'role'));
    }
  }
  const mode = spec.mode;
  if (typeof mode === 'string' && Object.hasOwn(MODE_SUGGESTIONS, mode)) {
    const meant = MODE_SUGGESTIONS[mode];
    spec = { ...spec, mode: meant };
    errors.push(diagnostic('error', 'schema', `${where}mode: ${JSON.stringify(mode)} is not a mode (CodeWhale rejects it too); use "${meant}"`, at('mode'), nodeId, 'mode'));
  }
  for (const field of CHILD_LIST_FIELDS) {
    const children = spec[field];
    if (Array.isArray(children)) spec = { ...spec, [field]: normalizeList(children, [...specPath, field], source, warnings, errors) };
  }
  if (isObject(spec.template)) spec = { ...spec, template: normalizeNode(spec.template, [...specPath, 'template'], source, warnings, errors) };
  return spec === node.spec ? node : { ...node, spec };
}

/** Nothing to normalize here and no child nodes below: no role or mode to correct, no child list. */
function isPlainLeafForm(spec: Raw): boolean {
  const { role, mode } = spec;
  if (typeof role === 'string' && !ROLE_NAME.test(role)) return false;
  if (typeof mode === 'string' && Object.hasOwn(MODE_SUGGESTIONS, mode)) return false;
  // Spelled out rather than a loop over CHILD_LIST_FIELDS: this runs for every node, mostly before V8 optimizes it.
  if (Array.isArray(spec.children) || Array.isArray(spec.then_nodes) || Array.isArray(spec.else_nodes)) return false;
  return !isObject(spec.template);
}

function diagnostic(
  severity: Diagnostic['severity'],
  code: string,
  message: string,
  position: Diagnostic['position'],
  nodeId: string | undefined,
  field: string,
): Diagnostic {
  return { severity, code, message, ...(position ? { position } : {}), ...(nodeId !== undefined ? { nodeId } : {}), field };
}

function isObject(value: unknown): value is Raw {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
