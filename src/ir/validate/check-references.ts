import { assertNever } from '../../util/index.js';
import type { NodeLocation } from '../walk-nodes.js';
import { referencesOf } from '../walk-nodes.js';
import type { NodeSpec } from '../schema/node-spec.js';
import { ContainmentChains, ownStep, type ContainmentStep } from './containment-chains.js';
import { findReferenceCycles, type ReferenceEdge } from './find-reference-cycles.js';
import type { NodeRule, ValidationContext } from './validation-context.js';

/**
 * References must name existing nodes and be satisfiable: the producer must be able to finish
 * before the consumer starts. Earlier in a sequence is fine; a sibling in a parallel branch is a
 * dataflow edge (the consumer waits); later in a sequence, an enclosing node, the other arm of
 * a cond, or a cycle of references can never be satisfied.
 */
export function checkReferences(context: ValidationContext): NodeRule {
  // Made when a node first refers to another: most nodes of a wide spec refer to nothing.
  let chains: ContainmentChains | undefined;
  const chainsOf = (): ContainmentChains => (chains ??= new ContainmentChains(context.locations));
  const satisfiable: ReferenceEdge[] = [];
  let dataflow = false;
  return {
    skipsPlainLeaves: true,
    visit(location) {
      const references = referencesOf(location.node);
      if (!namesNone(references)) {
        const chains = chainsOf();
        const consumer: Consumer = { location, chain: chains.of(location) };
        // Indexed loops: a fan-in names thousands of producers, and this runs once, cold.
        for (let list = 0; list < references.length; list += 1) {
          const { field, ids } = references[list]!;
          for (let index = 0; index < ids.length; index += 1) {
            const edge = checkOneReference(context, chains, consumer, field, ids[index]!);
            if (!edge) continue;
            satisfiable.push(edge);
            if (edge.dataflow) dataflow = true;
          }
        }
      }
      if (location.node.kind === 'loop_until') checkLoopTests(context, chainsOf(), location);
    },
    finish() {
      if (dataflow) reportCycles(context, satisfiable);
    },
  };
}

/**
 * Containment and sequence order alone never deadlock, and a reference to a node earlier in a
 * sequence only repeats an order they already impose: only a reference between parallel
 * siblings (dataflow) can close a cycle, so the graph is searched only when one exists.
 */
function reportCycles(context: ValidationContext, satisfiable: readonly ReferenceEdge[]): void {
  for (const cycle of findReferenceCycles(context.locations, satisfiable)) {
    const first = cycle[0];
    if (!first) continue;
    const names = [...cycle.map((edge) => edge.producer.spec.id), first.producer.spec.id].join(' → ');
    context.report('reference-cycle', `cycle of references: ${names}`, {
      path: [...first.consumerPath, 'spec', first.field],
      nodeId: first.consumer.spec.id,
      field: first.field,
    });
  }
}

/**
 * A node that refers to others, with its containment chain (built once for all its references)
 * and the placement last found for a producer's container: a fan-in names thousands of siblings,
 * and where each stands against the consumer is decided by their shared container's chain.
 */
interface Consumer {
  readonly location: NodeLocation;
  readonly chain: readonly ContainmentStep[];
  lastPrefix?: readonly ContainmentStep[];
  lastPlacement?: Placement;
}

/** Where a producer stands against its consumer, whatever its id. */
type Placement =
  | { readonly kind: 'unordered' } // nothing more to check (e.g. inside it; reported already)
  | { readonly kind: 'other-arm' | 'forward'; readonly container: ContainmentStep['container'] }
  | { readonly kind: 'ordered'; readonly dataflow: boolean };

const UNORDERED: Placement = { kind: 'unordered' };

/** A satisfiable reference, and whether it orders parallel siblings (only those can deadlock). */
type CheckedEdge = ReferenceEdge & { readonly dataflow: boolean };

function checkOneReference(
  context: ValidationContext,
  chains: ContainmentChains,
  consumer: Consumer,
  field: string,
  producerId: string,
): CheckedEdge | undefined {
  const { location, chain: consumerChain } = consumer;
  const producer = context.byId.get(producerId);
  if (!producer) return reportReference(context, consumer, field, 'unknown-reference', `${field} names "${producerId}", which is not a node of this workflow`);
  const producerNode = producer.node;
  if (producerNode === location.node) return reportReference(context, consumer, field, 'self-reference', `${field} names the node itself`);
  // A chain passes through containers only: a leaf (most producers of a fan-in) is never one.
  if (producerNode.kind !== 'leaf' && chainPassesThrough(consumerChain, producerNode)) {
    return reportReference(context, consumer, field, 'ancestor-reference', `${field} names "${producerId}", which contains this node and so cannot finish before it`);
  }
  const producerPrefix = chains.prefixOf(producer);
  const placement = consumer.lastPrefix === producerPrefix ? consumer.lastPlacement! : place(consumer, producerPrefix, producer);
  switch (placement.kind) {
    case 'unordered':
      return undefined;
    case 'other-arm':
      return reportReference(context, consumer, field, 'other-arm-reference', `${field} names "${producerId}", which is in the other arm of ${containerName(placement.container)} and never runs with it`);
    case 'forward':
      return reportReference(context, consumer, field, 'forward-reference', `${field} names "${producerId}", which runs after it in ${containerName(placement.container)}`);
    case 'ordered':
      return { consumer: location.node, consumerPath: location.path, producer: producerNode, field, dataflow: placement.dataflow };
    default:
      return assertNever(placement, 'placement');
  }
}

/**
 * Compares the two chains from the root to where they part. When they part inside the
 * producer's container chain (its prefix), the answer holds for every producer in that
 * container and is kept for the next reference.
 */
function place(consumer: Consumer, producerPrefix: readonly ContainmentStep[], producer: NodeLocation): Placement {
  const consumerChain = consumer.chain;
  let depth = 0;
  while (depth < consumerChain.length && depth < producerPrefix.length && sameStep(consumerChain[depth], producerPrefix[depth])) depth += 1;
  let producerStep: ContainmentStep | undefined = producerPrefix[depth];
  const shared = depth < producerPrefix.length;
  if (!shared) {
    const own = ownStep(producer);
    producerStep = depth < consumerChain.length && sameStep(consumerChain[depth], own) ? undefined : own;
  }
  const placement = placeAt(consumerChain[depth], producerStep, () => inTemplate(consumerChain) || inTemplate(producerPrefix) || producer.listField === 'template');
  if (shared) {
    consumer.lastPrefix = producerPrefix;
    consumer.lastPlacement = placement;
  }
  return placement;
}

function placeAt(consumerStep: ContainmentStep | undefined, producerStep: ContainmentStep | undefined, touchesTemplate: () => boolean): Placement {
  if (!consumerStep || !producerStep) return UNORDERED;
  const container = consumerStep.container;
  if (producerStep.field !== consumerStep.field) return { kind: 'other-arm', container };
  const parallel = container?.kind === 'branch_set' && container.spec.parallel;
  if (!parallel && producerStep.index > consumerStep.index) return { kind: 'forward', container };
  // The graph has no arcs into a template, so a reference touching one is never implied by order.
  return { kind: 'ordered', dataflow: parallel || touchesTemplate() };
}

function reportReference(context: ValidationContext, { location }: Consumer, field: string, code: string, message: string): undefined {
  context.report(code, message, { path: [...location.path, 'spec', ...field.split('.')], nodeId: location.node.spec.id, field });
  return undefined;
}

function containerName(container: ContainmentStep['container']): string {
  return container ? `${container.kind} "${container.spec.id}"` : 'the workflow';
}

/** No field of the node names any id. */
function namesNone(references: ReturnType<typeof referencesOf>): boolean {
  for (const { ids } of references) if (ids.length > 0) return false;
  return true;
}

/** `node` is one of the containers the chain passes through. */
function chainPassesThrough(chain: readonly ContainmentStep[], node: NodeSpec): boolean {
  for (let index = 0; index < chain.length; index += 1) if (chain[index]!.container === node) return true;
  return false;
}

function inTemplate(chain: readonly ContainmentStep[]): boolean {
  for (const step of chain) if (step.field === 'template') return true;
  return false;
}

function sameStep(left: ContainmentStep | undefined, right: ContainmentStep | undefined): boolean {
  return !!left && !!right && left.container === right.container && left.field === right.field && left.index === right.index;
}

/** `until.tests_pass` of a loop names test leaves inside its own body, decided after each iteration. */
function checkLoopTests(context: ValidationContext, chains: ContainmentChains, location: NodeLocation): void {
  const { node } = location;
  if (node.kind !== 'loop_until' || !node.spec.until || !('tests_pass' in node.spec.until)) return;
  for (const testId of node.spec.until.tests_pass) {
    const where = { path: [...location.path, 'spec', 'until', 'tests_pass'], nodeId: node.spec.id, field: 'until.tests_pass' };
    const test = context.byId.get(testId);
    if (!test) {
      context.report('unknown-reference', `until.tests_pass names "${testId}", which is not a node of this workflow`, where);
    } else if (test.node.kind !== 'leaf') {
      context.report('invalid-tests-pass', `until.tests_pass names "${testId}", a ${test.node.kind}, not a test leaf`, where);
    } else if (!chainPassesThrough(chains.of(test), node)) {
      context.report('invalid-tests-pass', `until.tests_pass names "${testId}", which is not inside this loop's body`, where);
    }
  }
}
