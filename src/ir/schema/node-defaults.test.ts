import { describe, expect, it } from 'vitest';
import { NodeSpecSchema, parseWorkflowSpec, toCanonicalJson, WorkflowSpecSchema, type NodeSpec } from '../index.js';

const MINIMAL_LEAF =
  '{"id":"a","prompt":"b","agent_type":"general","mode":"read_only","isolation":"shared","file_scope":[],"depends_on_results":[],"budget":{"max_steps":null,"timeout_secs":null,"max_parallel":null,"max_tokens":null},"permissions":{"allow_write":false,"allow_network":false,"allowed_tools":[],"file_scope":[]},"model_policy":{"provider":null,"model":null,"fallback_models":[]}}';

function roundTrip(node: NodeSpec): NodeSpec {
  return NodeSpecSchema.parse(JSON.parse(JSON.stringify(node)));
}

/** Each kind's minimal input and its canonical serialization, defaults filled. */
const CASES: Record<NodeSpec['kind'], { input: unknown; canonical: string }> = {
  leaf: { input: { id: 'a', prompt: 'b' }, canonical: MINIMAL_LEAF },
  branch_set: {
    input: { id: 'br' },
    canonical:
      '{"id":"br","description":null,"parallel":false,"budget":{"max_steps":null,"timeout_secs":null,"max_parallel":null,"max_tokens":null},"permissions":{"allow_write":false,"allow_network":false,"allowed_tools":[],"file_scope":[]},"model_policy":{"provider":null,"model":null,"fallback_models":[]},"children":[]}',
  },
  sequence: { input: { id: 's' }, canonical: '{"id":"s","children":[]}' },
  reduce: {
    input: { id: 'r', prompt: 'sum' },
    canonical: '{"id":"r","inputs":[],"prompt":"sum","model_policy":{"provider":null,"model":null,"fallback_models":[]}}',
  },
  teacher_review: {
    input: { id: 't' },
    canonical:
      '{"id":"t","candidates":[],"promotion_policy":{"strategy":"all","require_teacher_review":false,"min_successful_branches":null,"promotion_gate":{"min_score_delta":1,"max_cost_delta_microusd":null,"require_all_tests_pass":true,"reject_policy_violations":true,"reject_stale_replay":true}}}',
  },
  loop_until: {
    input: { id: 'l', condition: 'done' },
    canonical: '{"id":"l","condition":"done","max_iterations":null,"children":[]}',
  },
  cond: { input: { id: 'c', condition: 'x' }, canonical: '{"id":"c","condition":"x","then_nodes":[],"else_nodes":[]}' },
  expand: { input: { id: 'e', source: 'plan' }, canonical: '{"id":"e","source":"plan","max_children":null,"template":null}' },
  tournament: { input: { id: 'tt' }, canonical: '{"id":"tt","candidates":[],"by":"tests"}' },
  pareto: {
    input: { id: 'p' },
    canonical:
      '{"id":"p","candidates":[],"objectives":[{"metric":"score","direction":"max"},{"metric":"cost","direction":"min"},{"metric":"diff_size","direction":"min"}]}',
  },
  memory: { input: { id: 'log', source: { files: ['logs/*.log'] } }, canonical: '{"id":"log","source":{"files":["logs/*.log"]},"file_scope":[]}' },
};

describe('node kinds: defaults and round trip', () => {
  for (const [kind, { input, canonical }] of Object.entries(CASES)) {
    it(`${kind}: fills defaults in declaration order and round-trips`, () => {
      const node = NodeSpecSchema.parse({ kind, spec: input });
      expect(JSON.stringify(node.spec)).toBe(canonical);
      expect(roundTrip(node)).toEqual(node);
    });
  }

  it('re-serializes the minimal leaf exactly as CodeWhale documents it', () => {
    const node = NodeSpecSchema.parse({ kind: 'leaf', spec: { id: 'a', prompt: 'b' } });
    expect(JSON.stringify(node.spec)).toBe(MINIMAL_LEAF);
  });

  it('ignores unknown spec fields', () => {
    const node = NodeSpecSchema.parse({ kind: 'leaf', spec: { id: 'a', prompt: 'b', colour: 'blue' } });
    expect(JSON.stringify(node.spec)).toBe(MINIMAL_LEAF);
  });

  it('rejects unknown kinds with the list of known ones', () => {
    const result = parseWorkflowSpec({ goal: 'g', nodes: [{ kind: 'parallel', spec: { id: 'p' } }] });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.diagnostics.map((diagnostic) => diagnostic.message)).toEqual([
        'unknown node kind "parallel" (expected one of branch_set, leaf, sequence, reduce, teacher_review, loop_until, cond, expand, tournament, pareto, memory)',
      ]);
    }
  });

  it('says how to write a node given as {kind: {...}} instead of a union mismatch', () => {
    const result = parseWorkflowSpec({
      goal: 'g',
      nodes: [{ branch_set: { id: 'fan', children: [] } }, { kind: 'reduce', spec: { id: 'sum', inputs: ['fan'], prompt: 'p' } }],
    });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.diagnostics.map((diagnostic) => diagnostic.message)).toEqual([
        'a node is written {kind: branch_set, spec: {...}}, not {branch_set: {...}}',
      ]);
    }
  });

  it('names a missing kind as missing, not as a value that matches nothing', () => {
    const result = parseWorkflowSpec({ goal: 'g', nodes: [{ spec: { id: 'a', prompt: 'b' } }] });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      const messages = result.diagnostics.map((diagnostic) => diagnostic.message);
      expect(messages.some((message) => message.includes('missing required field'))).toBe(true);
      expect(messages.join('\n')).not.toContain('nothing matches');
    }
  });

  it('writes extensions after CodeWhale fields, and only when set', () => {
    const node = NodeSpecSchema.parse({
      kind: 'leaf',
      spec: { id: 'test', prompt: 'Run test command: npm test', command: 'npm test', expect_exit: 0, role: 'verifier', budget: { max_cost_microusd: 5 } },
    });
    const json = JSON.stringify(node.spec);
    expect(json.endsWith('"model_policy":{"provider":null,"model":null,"fallback_models":[]},"role":"verifier","command":"npm test","expect_exit":0}')).toBe(true);
    expect(json).toContain('"budget":{"max_steps":null,"timeout_secs":null,"max_parallel":null,"max_tokens":null,"max_cost_microusd":5}');
  });

  it('derives the free-text condition from a structured one', () => {
    const result = parseWorkflowSpec({
      goal: 'g',
      nodes: [{ kind: 'loop_until', spec: { id: 'l', max_iterations: 2, until: { tests_pass: ['t'] }, children: [] } }],
    });
    expect(result.ok && result.spec.nodes[0]?.kind === 'loop_until' && result.spec.nodes[0].spec.condition).toBe('tests pass: t');
  });

  it('loads a CodeWhale document unchanged: canonical output equals its own serialization', () => {
    const document = {
      id: 'wf',
      goal: 'replay safely',
      description: null,
      budget: { max_steps: null, timeout_secs: 30, max_parallel: 2, max_tokens: null },
      permissions: { allow_write: false, allow_network: false, allowed_tools: [], file_scope: [] },
      model_policy: { provider: null, model: null, fallback_models: [] },
      promotion_policy: JSON.parse(CASES.teacher_review.canonical).promotion_policy,
      nodes: [{ kind: 'leaf', spec: JSON.parse(MINIMAL_LEAF) }],
    };
    const spec = WorkflowSpecSchema.parse(document);
    expect(toCanonicalJson(spec)).toBe(JSON.stringify(document));
  });
});

describe('the leaf memory extension', () => {
  it('is written last and only when set; a bare list is the short form of contexts', () => {
    const plain = NodeSpecSchema.parse({ kind: 'leaf', spec: { id: 'a', prompt: 'b' } });
    expect(JSON.stringify(plain.spec)).toBe(MINIMAL_LEAF);
    const short = NodeSpecSchema.parse({ kind: 'leaf', spec: { id: 'a', prompt: 'b', memory: ['log'] } });
    expect(JSON.stringify(short.spec)).toBe(`${MINIMAL_LEAF.slice(0, -1)},"memory":{"contexts":["log"],"access":"read"}}`);
    const full = NodeSpecSchema.parse({ kind: 'leaf', spec: { id: 'a', prompt: 'b', memory: { contexts: ['log'], access: 'write', max_sub_queries: 2 } } });
    expect(roundTrip(full)).toEqual(full);
  });
});
