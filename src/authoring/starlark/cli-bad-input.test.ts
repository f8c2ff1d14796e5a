import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliInMemory } from '../../cli/index.js';

const dir = mkdtempSync(join(tmpdir(), 'whaleflow-authoring-cli-'));
function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/** The new front-ends end bad input in exit 1 with positioned diagnostics, never a stack trace. */
describe('whaleflow check on .star, .workflow.js and .plan.json', () => {
  it.each([
    ['bad.star', 'workflow(goal = "g", nodes = [agent(id = "a")])\n', /bad\.star:1:36: Error in agent: missing required keyword argument prompt/],
    ['bad.workflow.js', 'export default workflow({goal: "g", nodes: [{agent: {id: "a", prompt: String(1)}}]})\n', /bad\.workflow\.js:1:71: only literal data is allowed here, not a function call/],
    ['bad.plan.json', '{"goal": "g", "phases": [{"children": []}]}', /bad\.plan\.json:1:\d+: plan phases\[0\]\.children: /],
  ])('%s', async (name, content, pattern) => {
    const result = await runCliInMemory(['check', file(name, content)]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(pattern);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('compile prints the IR of a .star file and its alias warnings', async () => {
    const result = await runCliInMemory(['compile', file('ok.star', 'workflow(goal = "g", nodes = [ctx.parallel(id = "p", children = [])])\n')]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('"kind":"branch_set"');
    expect(result.stderr).toMatch(/ok\.star:1:43: warning: ctx\.parallel is an alias; write branch\(parallel = True\)/);
  });
});
