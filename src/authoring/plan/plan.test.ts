import { describe, expect, it } from 'vitest';
import { formatDiagnostic, InvalidInputError } from '../../util/index.js';
import { compileWorkflowSource } from '../index.js';
import { compilePlanText } from './compile-plan-text.js';
import { extractPlanJson } from './extract-plan-json.js';
import { lowerPlan } from './lower-plan.js';
import { PlanSchema } from './plan-schema.js';
import { repairJson } from './repair-json.js';

const plan = {
  goal: 'Fix the flaky memo test',
  phases: [
    { id: 'look', children: [{ id: 'scan', prompt: 'memo key code', type: 'search' }, { id: 'read', prompt: 'Read the test', type: 'explorer' }] },
    { id: 'fix', children: [{ id: 'patch', prompt: 'Patch it', type: 'implement', mode: 'read_write' }, { id: 'alt', prompt: 'Another patch', type: 'implementer', mode: 'read_write' }] },
    { id: 'check', parallel: false, children: [{ id: 'tests', command: 'npx vitest run src/memo', depends_on: ['patch'] }] },
  ],
  summary: 'Say which patch to keep',
};

async function diagnosticsOf(text: string): Promise<string[]> {
  try {
    await compilePlanText(text, 'answer.md');
  } catch (error) {
    if (error instanceof InvalidInputError) return error.diagnostics.map((diagnostic) => formatDiagnostic(diagnostic));
    throw error;
  }
  return [];
}

describe('lowerPlan', () => {
  it('phases become branches, steps leaves, summary a reduce over every step', () => {
    const document = lowerPlan(PlanSchema.parse(plan));
    expect(document).toMatchObject({
      goal: 'Fix the flaky memo test',
      nodes: [
        { kind: 'branch_set', spec: { id: 'look', parallel: true, children: [{ spec: { prompt: 'Search codebase: memo key code', agent_type: 'explore' } }, { spec: { agent_type: 'explore' } }] } },
        // Parallel writers without a file scope get their own worktree.
        { kind: 'branch_set', spec: { children: [{ spec: { agent_type: 'implementer', isolation: 'worktree' } }, { spec: { isolation: 'worktree' } }] } },
        { kind: 'branch_set', spec: { parallel: false, children: [{ spec: { command: 'npx vitest run src/memo', agent_type: 'verifier', depends_on_results: ['patch'] } }] } },
        { kind: 'reduce', spec: { id: 'summary', inputs: ['scan', 'read', 'patch', 'alt', 'tests'], prompt: 'Say which patch to keep' } },
      ],
    });
  });

  it('generates ids for steps and phases that have none', () => {
    const document = lowerPlan(PlanSchema.parse({ goal: 'g', phases: [{ children: [{ prompt: 'a' }, { prompt: 'b' }] }] }));
    expect(document).toMatchObject({ nodes: [{ spec: { id: 'phase-1', children: [{ spec: { id: 'phase-1-1' } }, { spec: { id: 'phase-1-2' } }] } }] });
  });

  it('appends raw IR nodes', () => {
    const raw = { kind: 'leaf', spec: { id: 'r', prompt: 'p' } };
    expect(lowerPlan(PlanSchema.parse({ goal: 'g', nodes: [raw] })).nodes).toEqual([raw]);
  });
});

describe('extractPlanJson', () => {
  it('takes the JSON from a ```json fence inside prose', () => {
    const text = 'Here is my plan:\n\n```json\n{"goal": "g", "phases": []}\n```\nHope it helps {not this}.';
    const extracted = extractPlanJson(text);
    expect(extracted).toMatchObject({ ok: true, value: { goal: 'g', phases: [] }, repairs: [] });
  });

  it('skips fences in other languages and takes a bare object from prose', () => {
    const text = '```python\nprint({1: 2})\n```\nThe plan is {"goal": "a {brace} in a string"} — done.';
    expect(extractPlanJson(text)).toMatchObject({ ok: true, value: { goal: 'a {brace} in a string' } });
  });

  it('keeps the JSON at its place so lines match the input', () => {
    const text = 'line one\n```json\n{"goal": "g"}\n```';
    const extracted = extractPlanJson(text);
    if (!extracted.ok) throw new Error(extracted.message);
    expect(extracted.json.split('\n')[2]).toBe('{"goal": "g"}');
    expect(extracted.json.length).toBe(text.length);
  });

  it('repairs trailing commas, single quotes and unquoted keys in one pass', () => {
    const extracted = extractPlanJson("{goal: 'it\\'s \"quoted\"', phases: [{children: [{prompt: 'a',},],},],}");
    expect(extracted).toMatchObject({ ok: true, value: { goal: 'it\'s "quoted"', phases: [{ children: [{ prompt: 'a' }] }] } });
    if (extracted.ok) expect([...extracted.repairs].sort()).toEqual(['single quotes', 'trailing commas', 'unquoted keys']);
  });

  it('leaves strings alone while repairing', () => {
    expect(repairJson('{"a": "x, }", b: true, c: null,}')).toEqual({ text: '{"a": "x, }", "b": true, "c": null}', repairs: ['unquoted keys', 'trailing commas'] });
  });

  it('gives up after the one repair pass', () => {
    expect(extractPlanJson('{"goal": g oal}')).toMatchObject({ ok: false, message: expect.stringMatching(/not valid JSON/) });
    expect(extractPlanJson('no json here')).toMatchObject({ ok: false, message: 'no JSON object found in the text' });
  });

  it('never evaluates: code in the text stays text', () => {
    expect(extractPlanJson('{"goal": process.exit(1)}')).toMatchObject({ ok: false });
  });
});

describe('compilePlanText', () => {
  it('compiles a model answer through the same gate', async () => {
    const answer = `Sure! Here's the plan.\n\n\`\`\`json\n${JSON.stringify(plan, null, 2)}\n\`\`\`\n`;
    const { spec, warnings } = await compilePlanText(answer);
    expect(spec.nodes.map((node) => node.spec.id)).toEqual(['look', 'fix', 'check', 'summary']);
    expect(warnings).toEqual([]);
  });

  it('warns when the JSON was repaired', async () => {
    const { warnings } = await compilePlanText("{goal: 'g', phases: [{children: [{prompt: 'p'}]}],}");
    expect(warnings.map((warning) => warning.message)).toEqual(['the plan JSON was repaired (unquoted keys, single quotes, trailing commas)']);
  });

  it('positions plan schema errors in the input', async () => {
    const diagnostics = await diagnosticsOf('Plan:\n```json\n{"goal": "g",\n "phases": [{"children": [{"type": "dance", "prompt": "p"}]}]}\n```');
    expect(diagnostics[0]).toMatch(/^answer\.md:4:28: plan phases\[0\]\.children\[0\]\.type: /);
  });

  it('positions IR validation errors at the step that caused them', async () => {
    const text = '{"goal": "g", "phases": [\n  {"children": [{"id": "a", "prompt": "p", "depends_on": ["ghost"]}]}]}';
    const diagnostics = await diagnosticsOf(text);
    expect(diagnostics).toContain('answer.md:2:17: node "a": depends_on_results names "ghost", which is not a node of this workflow');
  });

  it('a .plan.json file compiles through the front-end table', async () => {
    const { spec } = await compileWorkflowSource('x.plan.json', JSON.stringify(plan));
    expect(spec.goal).toBe(plan.goal);
  });

  it('a plan that is not JSON at all is one positioned diagnostic', async () => {
    expect(await diagnosticsOf('I could not make a plan.')).toEqual(['answer.md:1:1: no JSON object found in the text']);
  });
});

describe('extractPlanJson picks the whole plan', () => {
  it('repairs the outer object rather than taking a valid inner one', () => {
    const extracted = extractPlanJson('{goal: "g", phases: [{"children": [{"prompt": "p"}]}]}');
    expect(extracted).toMatchObject({ ok: true, value: { goal: 'g' }, repairs: ['unquoted keys'] });
  });
});
