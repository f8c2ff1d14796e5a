import type { DocumentPath, NodeKind, SpecSource } from '../../ir/index.js';
import { HostValue, Str, StarlarkError, type ReprWriter, type StarlarkValue } from '../../starlark/index.js';
import type { SourcePosition } from '../../util/index.js';
import { MAX_NESTING } from '../limits.js';

/** A spec field of a node value: plain data, a child list, or a template node. */
export type NodeFieldValue = unknown;

/**
 * The Starlark value a node builtin returns (`type(x) == "workflow_node"`): immutable, with
 * attributes `id` and `kind`, and the position of the call that created it so every IR
 * diagnostic can point back at the `.star` line. Child lists hold other WorkflowNodes.
 */
export class WorkflowNode extends HostValue {
  /** Levels of nodes below and including this one, to refuse absurd nesting before it recurses. */
  readonly depth: number;

  constructor(
    readonly kind: NodeKind,
    readonly id: string,
    /** Spec fields in the order written; child lists are WorkflowNode[], a template a WorkflowNode. */
    readonly fields: ReadonlyMap<string, NodeFieldValue>,
    readonly position: SourcePosition,
  ) {
    super();
    let deepest = 0;
    for (const child of childNodesOf(fields)) deepest = Math.max(deepest, child.depth);
    this.depth = deepest + 1;
    if (this.depth > MAX_NESTING) throw new StarlarkError(`nodes are nested deeper than ${MAX_NESTING} levels`);
  }

  get type(): string {
    return 'workflow_node';
  }

  override attr(name: string): StarlarkValue | undefined {
    if (name === 'id') return Str.of(this.id);
    if (name === 'kind') return Str.of(this.kind);
    return undefined;
  }

  override attrNames(): readonly string[] {
    return ['id', 'kind'];
  }

  writeRepr(out: ReprWriter): void {
    out.write(`workflow_node(kind = ${JSON.stringify(this.kind)}, id = ${JSON.stringify(this.id)})`);
  }

  /**
   * The raw IR node (`{kind, spec}`) for the document path it lands at; records this call's
   * position at the node, its spec and each field, so diagnostics and run-time failures point here.
   */
  toRaw(path: DocumentPath, source: SpecSource, visit: (node: WorkflowNode) => void): Record<string, unknown> {
    visit(this);
    source.record(path, this.position);
    source.record([...path, 'kind'], this.position);
    const specPath = [...path, 'spec'];
    source.record(specPath, this.position);
    const spec: Record<string, unknown> = {};
    for (const [field, value] of this.fields) {
      const fieldPath = [...specPath, field];
      source.record(fieldPath, this.position);
      if (value instanceof WorkflowNode) spec[field] = value.toRaw(fieldPath, source, visit);
      else if (isNodeList(value)) spec[field] = value.map((child, index) => child.toRaw([...fieldPath, index], source, visit));
      else spec[field] = value;
    }
    return { kind: this.kind, spec };
  }
}

function isNodeList(value: unknown): value is readonly WorkflowNode[] {
  return Array.isArray(value) && value.length > 0 && value.every((item) => item instanceof WorkflowNode);
}

function* childNodesOf(fields: ReadonlyMap<string, NodeFieldValue>): Iterable<WorkflowNode> {
  for (const value of fields.values()) {
    if (value instanceof WorkflowNode) yield value;
    else if (isNodeList(value)) yield* value;
  }
}
