import type { Diagnostic } from '../../util/index.js';
import type { WorkflowSpec } from '../schema/workflow-spec.js';
import type { DocumentPath, SpecSource } from '../source-map.js';
import { listNodes, type NodeLocation } from '../walk-nodes.js';

export interface ValidationOptions {
  /** Launch-shape limit on agents (leaves, with loops and expands multiplied out). Default 100. */
  readonly maxAgents?: number;
  /** Launch-shape limit on branch nesting. Default 5. */
  readonly maxDepth?: number;
  /** Ids already taken elsewhere in the run (expand output must not collide with them). */
  readonly reservedIds?: ReadonlySet<string>;
}

export const DEFAULT_MAX_AGENTS = 100;

/** Without a source, a field counts as declared when it holds something other than its default. */
const declaredByValue = (_field: string, valueIsDefault: boolean): boolean => !valueIsDefault;
export const DEFAULT_MAX_DEPTH = 5;

/** What every rule reads, and the one way rules report. */
export class ValidationContext {
  readonly diagnostics: Diagnostic[] = [];
  readonly locations: readonly NodeLocation[];
  /** First location of each id; duplicates are reported by the id rule. */
  readonly byId = new Map<string, NodeLocation>();

  constructor(
    readonly spec: WorkflowSpec,
    readonly options: ValidationOptions,
    readonly source?: SpecSource,
  ) {
    this.locations = listNodes(spec);
    for (const location of this.locations) {
      if (!this.byId.has(location.node.spec.id)) this.byId.set(location.node.spec.id, location);
    }
  }

  report(code: string, message: string, where: { path: DocumentPath; nodeId?: string; field?: string }): void {
    const position = this.source?.positionOf(where.path);
    this.diagnostics.push({
      severity: 'error',
      code,
      message: where.nodeId !== undefined ? `node "${where.nodeId}": ${message}` : message,
      ...(position ? { position } : {}),
      ...(where.nodeId !== undefined ? { nodeId: where.nodeId } : {}),
      ...(where.field ? { field: where.field } : {}),
    });
  }

  /**
   * `declares([...base(), field], …)` for the fields of one object, for rules that look at every
   * node: without a source no path is built at all, with one the base is built and walked once.
   */
  declaredFieldsOf(base: () => DocumentPath): (field: string, valueIsDefault: boolean) => boolean {
    if (!this.source) return declaredByValue;
    const declared = this.source.declaredFieldsOf(base());
    return (field) => declared(field);
  }

  /** True when the source wrote this path itself; without a source, a non-default value counts. */
  declares(path: DocumentPath, valueIsDefault: boolean): boolean {
    return this.source ? this.source.declares(path) : !valueIsDefault;
  }
}
