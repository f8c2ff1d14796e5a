import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { parseWorkflowSpec, WorkflowSpecSchema } from './index.js';
import { parseWithSchema } from './parse-workflow-spec.js';
import { readCommonSpec } from './read-common-spec.js';
import { BranchSpecSchema, SequenceSpecSchema, type LeafSpec } from './schema/node-spec.js';
import { UNDECLARED_PERMISSIONS } from './schema/permission-spec.js';
import { isPlainLeaf } from './validate/plain-leaf.js';

// The common reader must build exactly what zod builds (values and key order: canonical JSON
// and the leaf input hash are the JSON text of a parsed spec), and must never accept what zod
// refuses. Values are drawn from each field's valid forms and from near misses of them.

const text = fc.string({ maxLength: 6 });
const oddValue = fc.constantFrom<unknown>(null, undefined, 1, -1, 1.5, 2 ** 53, '', 'x', true, [], {}, ['a', 1]);
const orOdd = <T>(arbitrary: fc.Arbitrary<T>) => fc.oneof({ weight: 12, arbitrary }, { weight: 1, arbitrary: oddValue });
const count = orOdd(fc.oneof(fc.nat(9), fc.constant(null)));
const textList = orOdd(fc.array(text, { maxLength: 2 }));
const budget = orOdd(
  fc.record(
    { max_steps: count, timeout_secs: count, max_parallel: count, max_tokens: count, max_cost_microusd: orOdd(fc.nat(9)), max_leaves: orOdd(fc.nat(9)) },
    { requiredKeys: [] },
  ),
);
const permissions = orOdd(
  fc.record({ allow_write: orOdd(fc.boolean()), allow_network: orOdd(fc.boolean()), allowed_tools: textList, file_scope: textList }, { requiredKeys: [] }),
);
const modelPolicy = orOdd(
  fc.record({ provider: orOdd(fc.oneof(text, fc.constant(null))), model: orOdd(fc.oneof(text, fc.constant(null))), fallback_models: textList, extra: fc.nat(2) }, { requiredKeys: [] }),
);
const role = orOdd(fc.constantFrom('explore', 'implementer', 'judge', 'Bad Role', 'x-1'));

const leaf = fc.record({
  kind: fc.constant('leaf'),
  spec: fc.record(
    {
      id: orOdd(text),
      prompt: orOdd(text),
      agent_type: orOdd(fc.constantFrom('general', 'explore', 'verifier', 'boss')),
      mode: orOdd(fc.constantFrom('read_only', 'read_write')),
      isolation: orOdd(fc.constantFrom('shared', 'worktree')),
      file_scope: textList,
      depends_on_results: textList,
      budget,
      permissions,
      model_policy: modelPolicy,
      role,
      command: orOdd(text),
      expect_exit: orOdd(fc.integer({ min: -2, max: 3 })),
      colour: fc.constant('blue'),
    },
    { requiredKeys: ['id', 'prompt'] },
  ),
});
const reduce = fc.record({
  kind: fc.constant('reduce'),
  spec: fc.record({ id: orOdd(text), inputs: textList, prompt: orOdd(text), model_policy: modelPolicy, role }, { requiredKeys: ['id', 'prompt'] }),
});
const other = fc.constantFrom<unknown>(
  { kind: 'tournament', spec: { id: 't', candidates: ['a'] } },
  { kind: 'loop_until', spec: { id: 'l', until: { max_iterations: 2 }, children: [{ kind: 'leaf', spec: { id: 'in', prompt: 'p' } }] } },
  { kind: 'cond', spec: { id: 'c', condition: 'x', then_nodes: [{ kind: 'leaf', spec: { id: 'in', prompt: 'p' } }] } },
  { kind: 'mystery', spec: { id: 'm' } },
  { kind: 'leaf', spec: { id: 'mem', prompt: 'p', memory: ['log'] } },
);
const { node } = fc.letrec<{ node: unknown; children: unknown }>((tie) => ({
  children: orOdd(fc.array(tie('node'), { maxLength: 3 })),
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    reduce,
    other,
    fc.record({
      kind: fc.constant('branch_set'),
      spec: fc.record(
        { id: text, description: orOdd(fc.oneof(text, fc.constant(null))), parallel: orOdd(fc.boolean()), budget, permissions, model_policy: modelPolicy, children: tie('children') },
        { requiredKeys: ['id'] },
      ),
    }),
    fc.record({ kind: fc.constant('sequence'), spec: fc.record({ id: text, children: tie('children') }, { requiredKeys: ['id'] }) }),
  ),
}));
const flagOr = orOdd(fc.boolean());
const promotionPolicy = orOdd(
  fc.record(
    {
      strategy: orOdd(fc.constantFrom('all', 'first_success', 'best_score', 'teacher_selected', 'most')),
      require_teacher_review: flagOr,
      min_successful_branches: count,
      promotion_gate: orOdd(
        fc.record(
          {
            min_score_delta: orOdd(fc.integer({ min: -2, max: 3 })),
            max_cost_delta_microusd: orOdd(fc.oneof(fc.integer({ min: -2, max: 3 }), fc.constant(null))),
            require_all_tests_pass: flagOr,
            reject_policy_violations: flagOr,
            reject_stale_replay: flagOr,
          },
          { requiredKeys: [] },
        ),
      ),
    },
    { requiredKeys: [] },
  ),
);
const workflow = fc.record(
  {
    id: orOdd(fc.oneof(text, fc.constant(null))),
    goal: orOdd(text),
    description: orOdd(fc.oneof(text, fc.constant(null))),
    budget,
    permissions,
    model_policy: modelPolicy,
    promotion_policy: promotionPolicy,
    nodes: fc.array(node, { maxLength: 4 }),
  },
  { requiredKeys: ['goal', 'nodes'] },
);

function zodOnly(raw: unknown) {
  return WorkflowSpecSchema.safeParse(raw);
}

describe('readCommonSpec: the same spec as zod, or none', () => {
  it('builds what zod builds, key for key, and accepts nothing zod refuses', () => {
    fc.assert(
      fc.property(workflow, (raw) => {
        const common = readCommonSpec(raw, () => undefined);
        const parsed = parseWorkflowSpec(raw);
        if (common) {
          const reference = zodOnly(raw);
          expect(reference.success).toBe(true);
          expect(JSON.stringify(common)).toBe(JSON.stringify(reference.data));
          expect(common).toEqual(reference.data);
        }
        const slow = parseWithSchema(raw);
        expect(parsed.ok).toBe(slow.ok);
        if (parsed.ok && slow.ok) {
          expect(JSON.stringify(parsed.spec)).toBe(JSON.stringify(slow.spec));
          expect(parsed.spec).toEqual(slow.spec);
        }
        if (!parsed.ok && !slow.ok) expect(parsed.diagnostics).toEqual(slow.diagnostics);
      }),
      { numRuns: 3000 },
    );
  });

  it('takes the common path for a wide fan-out and shares the default objects', () => {
    const children = Array.from({ length: 50 }, (_, index) => ({ kind: 'leaf', spec: { id: `leaf-${index}`, prompt: `p${index}` } }));
    const raw = { id: 'w', goal: 'g', nodes: [{ kind: 'branch_set', spec: { id: 'b', parallel: true, children } }, { kind: 'reduce', spec: { id: 'r', inputs: ['leaf-0'], prompt: 'sum' } }] };
    const common = readCommonSpec(raw, () => undefined);
    expect(common).toBeDefined();
    expect(JSON.stringify(common)).toBe(JSON.stringify(zodOnly(raw).data));
    const [first, second] = (common!.nodes[0] as { spec: { children: { spec: { budget: object } }[] } }).spec.children;
    expect(first!.spec.budget).toBe(second!.spec.budget);
    expect(Object.isFrozen(first!.spec.budget)).toBe(true);
  });

  it('shares the default objects when a document writes them out (a spec read back from its canonical JSON)', () => {
    const children = Array.from({ length: 3 }, (_, index) => ({ kind: 'leaf', spec: { id: `leaf-${index}`, prompt: `p${index}` } }));
    const written = readCommonSpec({ id: 'w', goal: 'g', nodes: [{ kind: 'branch_set', spec: { id: 'b', parallel: true, children } }] }, () => undefined)!;
    const canonical = JSON.parse(JSON.stringify(written)) as unknown;
    const common = readCommonSpec(canonical, () => undefined);
    expect(JSON.stringify(common)).toBe(JSON.stringify(zodOnly(canonical).data));
    const leaves = (common!.nodes[0] as { spec: { children: { spec: LeafSpec }[] } }).spec.children.map((child) => child.spec);
    for (const field of ['budget', 'permissions', 'model_policy', 'file_scope', 'depends_on_results'] as const) {
      expect(leaves[1]![field], field).toBe(leaves[0]![field]);
      expect(Object.isFrozen(leaves[0]![field]), field).toBe(true);
    }
    // Written-out permissions are declared ones: validation tells the two apart by identity.
    expect(leaves[0]!.permissions).not.toBe(UNDECLARED_PERMISSIONS);
    expect(isPlainLeaf({ kind: 'leaf', spec: leaves[0]! })).toBe(false);
  });

  it("reads the workflow's and the branches' own fields without zod, written out or left to their defaults", () => {
    const children = [{ kind: 'leaf', spec: { id: 'a', prompt: 'p' } }];
    const sparse = { goal: 'g', nodes: [{ kind: 'branch_set', spec: { id: 'b', parallel: true, budget: { max_parallel: 4 }, children } }, { kind: 'sequence', spec: { id: 's', children: [] } }] };
    const canonical = JSON.parse(JSON.stringify(zodOnly(sparse).data)) as unknown;
    const workflowParse = vi.spyOn(WorkflowSpecSchema, 'safeParse');
    const branchParse = vi.spyOn(BranchSpecSchema, 'safeParse');
    const sequenceParse = vi.spyOn(SequenceSpecSchema, 'safeParse');
    try {
      for (const raw of [sparse, canonical]) {
        const common = readCommonSpec(raw, () => undefined);
        expect(JSON.stringify(common)).toBe(JSON.stringify(zodOnly(raw).data));
      }
      expect(workflowParse).toHaveBeenCalledTimes(2); // zodOnly's, not the reader's
      expect(branchParse).not.toHaveBeenCalled();
      expect(sequenceParse).not.toHaveBeenCalled();
    } finally {
      vi.restoreAllMocks();
    }
  });

  it('reports through zod, unchanged, when a common node is wrong', () => {
    const parsed = parseWorkflowSpec({ goal: 'g', nodes: [{ kind: 'leaf', spec: { id: 'a', prompt: 3 } }] });
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.diagnostics[0]!.message).toBe('node "a": prompt: expected string, got number 3');
  });

  it('parses every example workflow document exactly as zod does', () => {
    const directory = join(import.meta.dirname, '..', 'authoring', 'testdata', 'golden');
    for (const name of readdirSync(directory).filter((file) => file.endsWith('.golden.json'))) {
      const golden = JSON.parse(readFileSync(join(directory, name), 'utf8')) as unknown;
      const document = (golden as { spec?: unknown }).spec ?? golden;
      const parsed = parseWorkflowSpec(document);
      const reference = zodOnly(document);
      expect(parsed.ok, name).toBe(reference.success);
      if (parsed.ok) expect(JSON.stringify(parsed.spec), name).toBe(JSON.stringify(reference.data));
    }
  });
});
