import type { Diagnostic } from '../../util/index.js';
import type { WorkflowSpec } from '../schema/workflow-spec.js';
import type { DocumentPath, SpecSource } from '../source-map.js';
import { walkNodes, type NodeLocation } from '../walk-nodes.js';

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

/**
 * One validation rule as the gate runs it: made once per spec (a rule may report about the whole
 * workflow then), shown every node in declaration order (pre-order), then finished. All rules
 * share one walk over the nodes: each walk of a wide spec costs about as much again, however
 * little a rule does per node, because a gate runs once per process and its code runs cold.
 */
export interface NodeRule {
  visit?(location: NodeLocation): void;
  finish?(): void;
  /** A plain leaf (isPlainLeaf) can give this rule nothing to report or to remember: it is not shown them. */
  readonly skipsPlainLeaves?: boolean;
}

/** What every rule reads, and the one way rules report. */
export class ValidationContext {
  readonly locations: NodeLocation[] = [];
  /** First location of each id; duplicates are reported by the id rule. */
  readonly byId = new Map<string, NodeLocation>();
  /**
   * What each rule reported, by the rule's place in the gate: rules take turns at every node, and
   * the gate lists their diagnostics rule by rule, as it did when each rule walked the spec alone.
   */
  private readonly reportsByRule: Diagnostic[][] = [];
  /** The rule whose reports these are (see reportAs); the gate's walk sets it directly, once per visit. */
  reportingRule = 0;
  /** Whether some id names more than one node: only then need a node's id be looked up again. */
  readonly repeatsIds: boolean = false;

  constructor(
    readonly spec: WorkflowSpec,
    readonly options: ValidationOptions,
    readonly source?: SpecSource,
  ) {
    const { locations, byId } = this;
    let repeatsIds = false;
    walkNodes(spec, (location) => {
      locations.push(location);
      const id = location.node.spec.id;
      if (byId.has(id)) repeatsIds = true;
      else byId.set(id, location);
    });
    this.repeatsIds = repeatsIds;
  }

  /** Reports from now on belong to the rule at this place in the gate. */
  reportAs(rule: number): void {
    this.reportingRule = rule;
  }

  /** Every diagnostic, rule by rule, each rule's in the order it reported them. */
  get diagnostics(): Diagnostic[] {
    return this.reportsByRule.flat();
  }

  report(code: string, message: string, where: { path: DocumentPath; nodeId?: string; field?: string }): void {
    const position = this.source?.positionOf(where.path);
    (this.reportsByRule[this.reportingRule] ??= []).push({
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
