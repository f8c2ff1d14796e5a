import { stringify } from 'yaml';

/**
 * A tiny repository whose convention a lesson can teach: every module in src/ has a named export
 * `export function NAME(` and no default export; `node check.mjs NAME` checks it. The scripted
 * mock model writes the wrong (default-export) version first unless its system prompt carries a
 * lesson mentioning named exports — its reaction to lessons is scripted: this proves the
 * mechanism, not an effect size.
 */
export const CHECK_SCRIPT = `import { readFileSync } from 'node:fs';
const name = process.argv[2];
const text = readFileSync(\`src/\${name}.ts\`, 'utf8');
if (/export default/.test(text) || !new RegExp(\`export function \${name}\\\\(\`).test(text)) {
  console.error(\`src/\${name}.ts: modules use a named export "export function \${name}(" and never "export default"\`);
  process.exit(1);
}
console.log(\`src/\${name}.ts follows the conventions\`);
`;

export const badModule = (_name: string): string => `export default function (who: string) {\n  return 'hi ' + who;\n}\n`;
export const goodModule = (name: string): string => `export function ${name}(who: string): string {\n  return 'Hello, ' + who + '!';\n}\n`;

/** What the teacher (the mock, scripted) proposes: one note. */
export const TEACHER_REPLY = JSON.stringify({
  lessons: [
    {
      kind: 'note',
      title: 'modules use named exports',
      rationale: 'test-first failed on a default export; the fix that passed used a named export',
      content: { text: 'In this repository every module in src/ uses named exports ("export function NAME("), never "export default".' },
      scope: { roles: ['implementer'], paths: ['src/**'] },
      evidence: ['test-first', 'test-second'],
    },
  ],
});

/** A held-out task: look, fix one module, test it, summarise. */
export function taskWorkflow(name: string): string {
  return stringify({
    id: `task-${name}`,
    goal: `Make src/${name}.ts follow the repository conventions`,
    nodes: [
      { kind: 'leaf', spec: { id: `explore-${name}`, prompt: `Describe src/${name}.ts`, role: 'explore' } },
      { kind: 'leaf', spec: { id: `fix-${name}`, prompt: `Fix src/${name}.ts so that node check.mjs ${name} passes`, agent_type: 'implementer', role: 'implementer', mode: 'read_write', file_scope: [`src/${name}.ts`] } },
      { kind: 'leaf', spec: { id: `test-${name}`, prompt: `node check.mjs ${name}`, agent_type: 'verifier', command: `node check.mjs ${name}` } },
      { kind: 'reduce', spec: { id: `summary-${name}`, inputs: [`explore-${name}`], prompt: `Summarise what src/${name}.ts is for` } },
    ],
  });
}

/** The evidence task: a quick try whose test fails, then a careful try whose test passes. */
export function evidenceWorkflow(name: string): string {
  const attempt = (id: string, prompt: string) => ({
    kind: 'branch_set',
    spec: {
      id: `${id}-try`,
      children: [
        { kind: 'leaf', spec: { id: `fix-${id}`, prompt, agent_type: 'implementer', role: 'implementer', mode: 'read_write', file_scope: [`src/${name}.ts`] } },
        { kind: 'leaf', spec: { id: `test-${id}`, prompt: `node check.mjs ${name}`, agent_type: 'verifier', command: `node check.mjs ${name}` } },
      ],
    },
  });
  return stringify({
    id: `fix-${name}`,
    goal: `Make src/${name}.ts follow the repository conventions`,
    nodes: [
      { kind: 'leaf', spec: { id: `explore-${name}`, prompt: `Describe src/${name}.ts`, role: 'explore' } },
      { kind: 'branch_set', spec: { id: 'attempts', parallel: false, children: [attempt('first', `Fix src/${name}.ts quickly`), attempt('second', `Fix src/${name}.ts carefully`)] } },
    ],
  });
}

const write = (path: string, content: string) => ({ name: 'write_file', arguments: { path, content } });
/**
 * What one implementer turn costs: a coding agent's turn carries the task, the files it read and
 * the tool results — far more than the few lines of this toy — so the mock charges a realistic
 * context instead of counting the toy prompt's characters.
 */
const TURN_USAGE = { input_tokens: 1_500, output_tokens: 200 };
const finish = (summary: string) => ({ name: 'finish', arguments: { summary, status: 'succeeded' } });

/**
 * The mock model's script: with a lesson about named exports in its system prompt an implementer
 * writes the right module at once (2 steps); without, it writes the default-export version first
 * and fixes it on the next turn (3 steps) — except the evidence's quick try, which stops there.
 */
export function conventionScript(tasks: readonly string[], evidence: string): { model: { rules: unknown[] } } {
  const rules: unknown[] = [{ match: { prompt: 'You are the teacher of a coding-agent workflow system' }, text: TEACHER_REPLY }];
  const lessoned = (leaf: string, name: string) => [
    { match: { leaf, turn: 0, prompt: 'named exports' }, tool_calls: [write(`src/${name}.ts`, goodModule(name))], usage: TURN_USAGE },
    { match: { leaf, turn: 1, prompt: 'named exports' }, tool_calls: [finish(`src/${name}.ts uses a named export`)], usage: TURN_USAGE },
  ];
  for (const name of tasks) {
    rules.push(...lessoned(`fix-${name}`, name));
    rules.push(
      { match: { leaf: `fix-${name}`, turn: 0 }, tool_calls: [write(`src/${name}.ts`, badModule(name))], usage: TURN_USAGE },
      { match: { leaf: `fix-${name}`, turn: 1 }, tool_calls: [write(`src/${name}.ts`, goodModule(name))], usage: TURN_USAGE },
      { match: { leaf: `fix-${name}`, turn: 2 }, tool_calls: [finish(`fixed src/${name}.ts`)], usage: TURN_USAGE },
      { match: { leaf: `explore-${name}` }, tool_calls: [finish(`src/${name}.ts greets someone`)] },
    );
  }
  rules.push(...lessoned('fix-first', evidence), ...lessoned('fix-second', evidence));
  rules.push(
    { match: { leaf: 'fix-first', turn: 0 }, tool_calls: [write(`src/${evidence}.ts`, badModule(evidence))], usage: TURN_USAGE },
    { match: { leaf: 'fix-first', turn: 1 }, tool_calls: [finish('quick fix done')], usage: TURN_USAGE },
    { match: { leaf: 'fix-second', turn: 0 }, tool_calls: [write(`src/${evidence}.ts`, goodModule(evidence))], usage: TURN_USAGE },
    { match: { leaf: 'fix-second', turn: 1 }, tool_calls: [finish('careful fix done')], usage: TURN_USAGE },
    { match: { leaf: `explore-${evidence}` }, tool_calls: [finish(`src/${evidence}.ts greets someone`)] },
  );
  return { model: { rules } };
}

export const LEARNING_CONFIG = `providers:
  mock: {kind: mock}
models:
  - {provider: mock, model: mock-default, capabilities: {tool_calls: true, json_mode: true}, prices: {input_cache_miss: 0, input_cache_hit: 0, output: 0}}
roles:
  default: {primary: mock/mock-default}
learning:
  enabled: true
overlay:
  enabled: true
`;
