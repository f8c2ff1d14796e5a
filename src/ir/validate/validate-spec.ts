import type { Diagnostic } from '../../util/index.js';
import type { WorkflowSpec } from '../schema/workflow-spec.js';
import type { SpecSource } from '../source-map.js';
import type { NodeLocation } from '../walk-nodes.js';
import { checkIds } from './check-ids.js';
import { checkLaunchShape } from './check-launch-shape.js';
import { checkMemory } from './check-memory.js';
import { checkParallelWriters } from './check-parallel-writers.js';
import { checkPermissionNarrowing } from './check-permission-narrowing.js';
import { checkReferences } from './check-references.js';
import { checkTexts } from './check-texts.js';
import { isPlainLeaf } from './plain-leaf.js';
import { ValidationContext, type NodeRule, type ValidationOptions } from './validation-context.js';

/** The rules, in the order their diagnostics are listed (positions aside). */
const RULES: readonly ((context: ValidationContext) => NodeRule)[] = [
  checkIds,
  checkTexts,
  checkReferences,
  checkLaunchShape,
  checkParallelWriters,
  checkPermissionNarrowing,
  checkMemory,
];

/**
 * The one validation gate every spec passes before it runs, whatever language it was written
 * in (and expand output at run time). Returns every problem found, not just the first, in
 * source order where positions are known.
 */
export function validateSpec(spec: WorkflowSpec, options: ValidationOptions = {}, source?: SpecSource): Diagnostic[] {
  const context = new ValidationContext(spec, options, source);
  const rules = RULES.map((start, index) => {
    context.reportAs(index);
    return start(context);
  });
  walkRules(context, rules);
  rules.forEach((rule, index) => {
    context.reportAs(index);
    rule.finish?.();
  });
  return sortBySource(context.diagnostics);
}

/** The one walk: every rule that looks at nodes sees each node, in declaration order. */
function walkRules(context: ValidationContext, rules: readonly NodeRule[]): void {
  const all = visitorsOf(rules, () => true);
  const forPlainLeaves = visitorsOf(rules, (rule) => !rule.skipsPlainLeaves);
  const locations = context.locations;
  // Per node and rule, a field set and a method called: this runs for every node, cold.
  for (let at = 0; at < locations.length; at += 1) {
    const location = locations[at]!;
    const visitors = isPlainLeaf(location.node) ? forPlainLeaves : all;
    for (let index = 0; index < visitors.length; index += 1) {
      const visitor = visitors[index]!;
      context.reportingRule = visitor.rule;
      visitor.visit(location);
    }
  }
}

interface Visitor {
  /** The rule's place in the gate, which its reports keep. */
  readonly rule: number;
  /** Bound: one shape for every rule, so the walk's call site stays monomorphic. */
  readonly visit: (location: NodeLocation) => void;
}

function visitorsOf(rules: readonly NodeRule[], shows: (rule: NodeRule) => boolean): Visitor[] {
  const visitors: Visitor[] = [];
  rules.forEach((rule, index) => {
    if (rule.visit && shows(rule)) visitors.push({ rule: index, visit: rule.visit.bind(rule) });
  });
  return visitors;
}

function sortBySource(diagnostics: Diagnostic[]): Diagnostic[] {
  return diagnostics
    .map((diagnostic, order) => ({ diagnostic, order }))
    .sort((left, right) => {
      const a = left.diagnostic.position;
      const b = right.diagnostic.position;
      if (a && b && (a.line !== b.line || a.column !== b.column)) return a.line - b.line || a.column - b.column;
      return left.order - right.order;
    })
    .map(({ diagnostic }) => diagnostic);
}
