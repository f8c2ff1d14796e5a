import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listNodes, SpecSource } from '../../ir/index.js';
import { formatDiagnostic, InvalidInputError } from '../../util/index.js';
import { compileWorkflowFile, compileWorkflowSource } from '../index.js';
import { createStarlarkFrontEnd } from './starlark-front-end.js';

const repoRoot = resolve(import.meta.dirname, '../../..');

async function errorsOf(file: string, text: string): Promise<string[]> {
  try {
    await compileWorkflowSource(file, text);
  } catch (error) {
    if (error instanceof InvalidInputError) return error.diagnostics.map((diagnostic) => formatDiagnostic(diagnostic));
    throw error;
  }
  return [];
}

describe('.star front-end', () => {
  it('every IR node of the dogfood example keeps the line of the call that created it', async () => {
    const file = join(repoRoot, 'workflows/rlm_cache_change.star');
    const lines = readFileSync(file, 'utf8').split('\n');
    const { spec, source } = await compileWorkflowFile(file);
    const nodes = listNodes(spec);
    expect(nodes.length).toBeGreaterThan(8);
    for (const { node, path } of nodes) {
      const position = source.positionOf(path)!;
      const line = lines[position.line - 1]!;
      // The call line names the builtin; for a leaf built as `x = agent(`, the id follows within a few lines.
      const around = lines.slice(position.line - 1, position.line + 3).join('\n');
      expect(around, `${node.spec.id} at ${position.line}`).toContain(`"${node.spec.id}"`);
      expect(line).toMatch(/\w+\(/);
      expect(source.positionOf([...path, 'spec', 'id'])).toEqual(position);
    }
  });

  it('a loop leaf resolves to its own test() call', async () => {
    const text = 't = test(id = "t", command = "npm test")\nworkflow(goal = "g", nodes = [\n  loop_until(id = "l", until = {"tests_pass": [t]}, max_iterations = 2, children = [t]),\n])\n';
    const { source } = await compileWorkflowSource('loop.star', text);
    expect(source.positionOf(['nodes', 0, 'spec', 'children', 0, 'spec', 'command'])).toEqual({ file: 'loop.star', line: 1, column: 9 });
    expect(source.positionOf(['nodes', 0])).toMatchObject({ line: 3 });
  });

  it('returns warnings with a successful compile', async () => {
    const text = 'workflow(goal = "g", nodes = [ctx.sequence(id = "s", children = [ctx.when(id = "w", condition = "c", then_nodes = [])])])';
    const { warnings } = await compileWorkflowSource('alias.star', text);
    expect(warnings.map((warning) => formatDiagnostic(warning))).toEqual([
      'alias.star:1:43: warning: ctx.sequence is an alias; write sequence(...)',
      'alias.star:1:74: warning: ctx.when is an alias; write when(...)',
    ]);
  });

  it('every ctx alias lowers to its canonical node kind', async () => {
    const text = `
leaf = agent(id = "a", prompt = "p")
workflow(goal = "g", nodes = [
    ctx.parallel(id = "p", children = [leaf]),
    ctx.loop_until(id = "l", condition = "done", max_iterations = 1, children = []),
    ctx.expand(id = "e", source = "s", max_children = 1, template = agent(id = "t", prompt = "p")),
    ctx.tournament(id = "tour", candidates = [leaf]),
    ctx.teacher.review(id = "tr", candidates = ["tour"]),
])`;
    const { spec, warnings } = await compileWorkflowSource('ctx.star', text);
    expect(spec.nodes.map((node) => node.kind)).toEqual(['branch_set', 'loop_until', 'expand', 'tournament', 'teacher_review']);
    expect(spec.nodes[0]).toMatchObject({ spec: { parallel: true } });
    expect(warnings).toHaveLength(5);
  });

  it('the step budget is configurable and stops runaway files', async () => {
    const frontEnd = createStarlarkFrontEnd({ maxSteps: 1000 });
    const text = 'def f():\n    for i in range(10000):\n        pass\nf()\nworkflow(goal = "g")\n';
    const result = await frontEnd('spin.star', text, new SpecSource('spin.star'));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(formatDiagnostic(result.diagnostics[0]!)).toMatch(/^spin\.star:\d+:\d+: step budget exceeded: more than 1000 steps/);
  });

  it('the size limit is configurable and stops a file that builds a huge value, positioned', async () => {
    const frontEnd = createStarlarkFrontEnd({ maxValueLength: 1000 });
    const text = 'prompt = "context " * 200\nworkflow(goal = "g", nodes = [agent(id = "a", prompt = prompt)])\n';
    const result = await frontEnd('huge.star', text, new SpecSource('huge.star'));
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.diagnostics[0]).toMatchObject({ code: 'starlark-size-limit' });
      expect(formatDiagnostic(result.diagnostics[0]!)).toBe(
        "huge.star:1:21: size limit exceeded: '*' would build a string of 1600 characters, more than maxValueLength (1000); raise it if the program is legitimate",
      );
    }
  });

  it('a cancelled signal stops evaluation with a diagnostic', async () => {
    const controller = new AbortController();
    controller.abort();
    const result = await createStarlarkFrontEnd({ signal: controller.signal })('c.star', 'workflow(goal = "g")', new SpecSource('c.star'));
    expect(result).toMatchObject({ ok: false, diagnostics: [{ message: 'execution cancelled' }] });
  });

  it('static errors report every finding', async () => {
    const errors = await errorsOf('r.star', 'x = unknown_one\ny = unknown_two\n');
    expect(errors).toHaveLength(2);
    expect(errors[1]).toMatch(/^r\.star:2:5: /);
  });

  it('has no clock, no I/O and no load()', async () => {
    expect((await errorsOf('io.star', 'load("other.star", "x")\n'))[0]).toMatch(/^io\.star:1:1: /);
    expect((await errorsOf('io.star', 'open("x")\n'))[0]).toMatch(/^io\.star:1:1: .*open/);
  });

  it('node values print, compare by identity and are hashable', async () => {
    const text = 'a = agent(id = "a", prompt = "p")\nseen = {a: 1}\nlabel = repr(a)\nworkflow(goal = label, nodes = [a])\n';
    const { spec } = await compileWorkflowSource('repr.star', text);
    expect(spec.goal).toBe('workflow_node(kind = "leaf", id = "a")');
  });
});
