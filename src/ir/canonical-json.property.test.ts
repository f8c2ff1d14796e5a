import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseWorkflowSpec, toCanonicalJson, WorkflowSpecSchema } from './index.js';

const text = fc.string({ minLength: 1, maxLength: 12, unit: 'grapheme' });
const maybe = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined });
const budget = fc.record(
  { max_steps: maybe(fc.nat(50)), max_tokens: maybe(fc.nat(10_000)), max_cost_microusd: maybe(fc.nat(10_000)), max_leaves: maybe(fc.nat(9)) },
  { requiredKeys: [] },
);

/** Raw node documents of every kind, with optional fields present or absent at random. */
const { node } = fc.letrec<{ node: unknown; children: unknown[] }>((tie) => ({
  children: fc.array(tie('node'), { maxLength: 3 }),
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({
      kind: fc.constant('leaf'),
      spec: fc.record(
        {
          id: text,
          prompt: text,
          agent_type: maybe(fc.constantFrom('general', 'explore', 'plan', 'review', 'implementer', 'verifier')),
          mode: maybe(fc.constantFrom('read_only', 'read_write')),
          file_scope: maybe(fc.array(text, { maxLength: 2 })),
          budget: maybe(budget),
          role: maybe(fc.constantFrom('explore', 'implementer', 'judge')),
          command: maybe(text),
          expect_exit: maybe(fc.integer({ min: 0, max: 3 })),
        },
        { requiredKeys: ['id', 'prompt'] },
      ),
    }),
    fc.record({ kind: fc.constant('sequence'), spec: fc.record({ id: text, children: tie('children') }) }),
    fc.record({
      kind: fc.constant('branch_set'),
      spec: fc.record({ id: text, parallel: fc.boolean(), description: maybe(text), children: tie('children') }, { requiredKeys: ['id', 'children'] }),
    }),
    fc.record({
      kind: fc.constant('loop_until'),
      spec: fc.record({ id: text, condition: text, max_iterations: maybe(fc.integer({ min: 1, max: 4 })), children: tie('children') }, { requiredKeys: ['id', 'condition', 'children'] }),
    }),
    fc.record({ kind: fc.constant('cond'), spec: fc.record({ id: text, condition: text, then_nodes: tie('children'), else_nodes: tie('children') }) }),
    fc.record({ kind: fc.constant('reduce'), spec: fc.record({ id: text, prompt: text, inputs: fc.array(text, { maxLength: 2 }) }) }),
    fc.record({
      kind: fc.constant('tournament'),
      spec: fc.record({ id: text, candidates: fc.array(text, { maxLength: 3 }), by: maybe(fc.constantFrom('tests', 'judge', 'score')), min_score: maybe(fc.double({ min: 0, max: 1, noNaN: true })) }, { requiredKeys: ['id'] }),
    }),
    fc.record({ kind: fc.constant('expand'), spec: fc.record({ id: text, source: text, max_children: maybe(fc.integer({ min: 1, max: 5 })), template: maybe(tie('node')) }, { requiredKeys: ['id', 'source'] }) }),
  ),
}));

const workflow = fc.record(
  { id: maybe(text), goal: text, description: maybe(text), budget: maybe(budget), nodes: fc.array(node, { maxLength: 4 }) },
  { requiredKeys: ['goal', 'nodes'] },
);

describe('canonical JSON (property)', () => {
  it('random specs round-trip through canonical JSON unchanged', () => {
    fc.assert(
      fc.property(workflow, (raw) => {
        const parsed = parseWorkflowSpec(JSON.parse(JSON.stringify(raw)));
        expect(parsed.ok).toBe(true);
        if (!parsed.ok) return;
        const canonical = toCanonicalJson(parsed.spec);
        const reparsed = WorkflowSpecSchema.parse(JSON.parse(canonical));
        expect(reparsed).toEqual(parsed.spec);
        expect(toCanonicalJson(reparsed)).toBe(canonical);
      }),
      { numRuns: 300 },
    );
  });
});
