import type { NodeLocation } from '../walk-nodes.js';
import { referencesOf } from '../walk-nodes.js';
import { ContainmentChains, type ContainmentStep } from './containment-chains.js';
import { findReferenceCycles, type ReferenceEdge } from './find-reference-cycles.js';
import type { ValidationContext } from './validation-context.js';

/**
 * References must name existing nodes and be satisfiable: the producer must be able to finish
 * before the consumer starts. Earlier in a sequence is fine; a sibling in a parallel branch is a
 * dataflow edge (the consumer waits); later in a sequence, an enclosing node, the other arm of
 * a cond, or a cycle of references can never be satisfied.
 */
export function checkReferences(context: ValidationContext): void {
  const chains = new ContainmentChains(context.locations);
  const satisfiable: ReferenceEdge[] = [];
  let dataflow = false;
  for (const location of context.locations) {
    const references = referencesOf(location.node);
    if (references.every(({ ids }) => ids.length === 0)) {
      checkLoopTests(context, chains, location);
      continue;
    }
    const consumer: Consumer = { location, chain: chains.of(location) };
    for (const { field, ids } of references) {
      for (const producerId of ids) {
        const edge = checkOneReference(context, chains, consumer, field, producerId);
        if (!edge) continue;
        satisfiable.push(edge);
        if (edge.dataflow) dataflow = true;
      }
    }
    checkLoopTests(context, chains, location);
  }
  // Containment and sequence order alone never deadlock, and a reference to a node earlier in a
  // sequence only repeats an order they already impose: only a reference between parallel
  // siblings (dataflow) can close a cycle, so without one there is no graph to search.
  if (!dataflow) return;
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

/** A node that refers to others, with its containment chain (built once for all its references). */
interface Consumer {
  readonly location: NodeLocation;
  readonly chain: readonly ContainmentStep[];
}

/** A satisfiable reference, and whether it orders parallel siblings (only those can deadlock). */
type CheckedEdge = ReferenceEdge & { readonly dataflow: boolean };

function checkOneReference(
  context: ValidationContext,
  chains: ContainmentChains,
  { location: consumer, chain: consumerChain }: Consumer,
  field: string,
  producerId: string,
): CheckedEdge | undefined {
  const consumerId = consumer.node.spec.id;
  const report = (code: string, message: string): undefined => {
    context.report(code, message, { path: [...consumer.path, 'spec', ...field.split('.')], nodeId: consumerId, field });
    return undefined;
  };
  const producer = context.byId.get(producerId);
  if (!producer) return report('unknown-reference', `${field} names "${producerId}", which is not a node of this workflow`);
  if (producer.node === consumer.node) return report('self-reference', `${field} names the node itself`);
  const producerChain = chains.of(producer);
  if (consumerChain.some((step) => step.container === producer.node)) {
    return report('ancestor-reference', `${field} names "${producerId}", which contains this node and so cannot finish before it`);
  }
  let depth = 0;
  while (depth < consumerChain.length && depth < producerChain.length && sameStep(consumerChain[depth], producerChain[depth])) depth += 1;
  const consumerStep = consumerChain[depth];
  const producerStep = producerChain[depth];
  if (!consumerStep || !producerStep) return undefined;
  const container = consumerStep.container;
  const containerName = (): string => (container ? `${container.kind} "${container.spec.id}"` : 'the workflow');
  if (producerStep.field !== consumerStep.field) {
    return report('other-arm-reference', `${field} names "${producerId}", which is in the other arm of ${containerName()} and never runs with it`);
  }
  const parallel = container?.kind === 'branch_set' && container.spec.parallel;
  if (!parallel && producerStep.index > consumerStep.index) {
    return report('forward-reference', `${field} names "${producerId}", which runs after it in ${containerName()}`);
  }
  // The graph has no arcs into a template, so a reference touching one is never implied by order.
  const dataflow = parallel || inTemplate(consumerChain) || inTemplate(producerChain);
  return { consumer: consumer.node, consumerPath: consumer.path, producer: producer.node, field, dataflow };
}

function inTemplate(chain: readonly ContainmentStep[]): boolean {
  return chain.some((step) => step.field === 'template');
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
    } else if (!chains.of(test).some((step) => step.container === node)) {
      context.report('invalid-tests-pass', `until.tests_pass names "${testId}", which is not inside this loop's body`, where);
    }
  }
}
