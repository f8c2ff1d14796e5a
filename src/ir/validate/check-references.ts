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
  for (const location of context.locations) {
    for (const { field, ids } of referencesOf(location.node)) {
      for (const producerId of ids) {
        const edge = checkOneReference(context, chains, location, field, producerId);
        if (edge) satisfiable.push(edge);
      }
    }
    checkLoopTests(context, chains, location);
  }
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

function checkOneReference(
  context: ValidationContext,
  chains: ContainmentChains,
  consumer: NodeLocation,
  field: string,
  producerId: string,
): ReferenceEdge | undefined {
  const consumerId = consumer.node.spec.id;
  const where = { path: [...consumer.path, 'spec', ...field.split('.')], nodeId: consumerId, field };
  const producer = context.byId.get(producerId);
  if (!producer) {
    context.report('unknown-reference', `${field} names "${producerId}", which is not a node of this workflow`, where);
    return undefined;
  }
  if (producer.node === consumer.node) {
    context.report('self-reference', `${field} names the node itself`, where);
    return undefined;
  }
  const consumerChain = chains.of(consumer);
  const producerChain = chains.of(producer);
  if (consumerChain.some((step) => step.container === producer.node)) {
    context.report('ancestor-reference', `${field} names "${producerId}", which contains this node and so cannot finish before it`, where);
    return undefined;
  }
  let depth = 0;
  while (depth < consumerChain.length && depth < producerChain.length && sameStep(consumerChain[depth], producerChain[depth])) depth += 1;
  const consumerStep = consumerChain[depth];
  const producerStep = producerChain[depth];
  if (!consumerStep || !producerStep) return undefined;
  const container = consumerStep.container;
  const containerName = container ? `${container.kind} "${container.spec.id}"` : 'the workflow';
  if (producerStep.field !== consumerStep.field) {
    context.report('other-arm-reference', `${field} names "${producerId}", which is in the other arm of ${containerName} and never runs with it`, where);
    return undefined;
  }
  const parallel = container?.kind === 'branch_set' && container.spec.parallel;
  if (!parallel && producerStep.index > consumerStep.index) {
    context.report('forward-reference', `${field} names "${producerId}", which runs after it in ${containerName}`, where);
    return undefined;
  }
  return { consumer: consumer.node, consumerPath: consumer.path, producer: producer.node, field };
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
