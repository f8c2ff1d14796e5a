import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { capturingContext, runCliInMemory } from '../run-cli-in-memory.js';
import { main } from '../main.js';

function project(files: Record<string, string>): string {
  const directory = mkdtempSync(join(tmpdir(), 'whaleflow-run-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(directory, name), text);
  return directory;
}

const WORKFLOW = JSON.stringify({
  id: 'wf',
  goal: 'try the run command',
  nodes: [
    { kind: 'branch_set', spec: { id: 'fan', parallel: true, children: [{ kind: 'leaf', spec: { id: 'a', prompt: 'do a' } }, { kind: 'leaf', spec: { id: 'b', prompt: 'do b', mode: 'read_write', isolation: 'worktree' } }] } },
    { kind: 'leaf', spec: { id: 'check', prompt: 'run tests', agent_type: 'verifier', command: 'npm test' } },
  ],
});

describe('whaleflow run', () => {
  it('shows the pre-flight, progress and a summary, and exits 0 when the run succeeded', async () => {
    const cwd = project({ 'wf.json': WORKFLOW });
    const run = await runCliInMemory(['run', 'wf.json'], { cwd });
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('pre-flight: up to 3 leaves');
    expect(run.stdout).toContain('writes: b in its own git worktree');
    expect(run.stdout).toContain('runs: check: npm test');
    expect(run.stdout).toMatch(/\[\d\/3\] a succeeded/);
    expect(run.stdout).toContain('✓ check (leaf) succeeded');
  });

  it('exits 1 when a leaf fails, scripted by --fixtures', async () => {
    const cwd = project({ 'wf.json': WORKFLOW, 'f.yaml': 'leaves:\n  - match: {id: check}\n    exit_code: 1\n' });
    const run = await runCliInMemory(['run', 'wf.json', '--fixtures', 'f.yaml'], { cwd });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain('✗ check (leaf) failed: npm test exited with 1 (expected 0)');
  });

  it('--json prints the WorkflowResult alone on stdout, on one line, with the timing of each phase', async () => {
    const cwd = project({ 'wf.json': WORKFLOW });
    const run = await runCliInMemory(['run', 'wf.json', '--json'], { cwd });
    expect(run.stdout.trimEnd().split('\n')).toHaveLength(1);
    const result = JSON.parse(run.stdout) as { status: string; results: { id: string }[]; timing: Record<string, number> };
    expect(result.status).toBe('succeeded');
    expect(result.results.map((node) => node.id)).toEqual(['fan', 'check']);
    expect(Object.keys(result.timing)).toEqual(['compile_ms', 'preflight_ms', 'run_ms', 'trace_flush_ms', 'total_ms']);
    for (const figure of Object.values(result.timing)) expect(figure).toBeGreaterThanOrEqual(0);
    const { total_ms: total, ...phases } = result.timing;
    expect(Object.values(phases).reduce((sum, figure) => sum + figure, 0)).toBeLessThanOrEqual(total! + 0.5);
    expect(run.stderr).toContain('pre-flight');
  });

  it('--json --pretty indents the same result', async () => {
    const cwd = project({ 'wf.json': WORKFLOW });
    const run = await runCliInMemory(['run', 'wf.json', '--json', '--pretty'], { cwd });
    expect(run.stdout).toMatch(/^\{\n  "run_id": /);
    expect((JSON.parse(run.stdout) as { status: string }).status).toBe('succeeded');
  });

  it('--read-only refuses to start, naming the writing node', async () => {
    const cwd = project({ 'wf.json': WORKFLOW });
    const run = await runCliInMemory(['run', 'wf.json', '--read-only'], { cwd });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain('node "b": writes files, but the run is read-only');
    expect(run.stderr).toContain('not started');
    expect(run.stdout).not.toContain('succeeded');
  });

  it('--background checks permissions before starting: a refusal is printed at once, exit 1, no child started', async () => {
    const cwd = project({ 'wf.json': WORKFLOW });
    const run = await runCliInMemory(['run', 'wf.json', '--background', '--read-only'], { cwd });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain('node "b": writes files, but the run is read-only');
    expect(run.stderr).toContain('not started');
    expect(run.stdout).not.toContain('started in the background');
    // A started child would have its log under the project's .whaleflow directory.
    expect(existsSync(join(cwd, '.whaleflow'))).toBe(false);
  });

  it('--max-cost refuses to start above the estimate', async () => {
    const cwd = project({ 'wf.json': WORKFLOW, 'f.yaml': 'pricing: {input_usd_per_million: 10, output_usd_per_million: 30}\n' });
    const refused = await runCliInMemory(['run', 'wf.json', '--fixtures', 'f.yaml', '--max-cost', '0.01'], { cwd });
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain('above --max-cost');
    const allowed = await runCliInMemory(['run', 'wf.json', '--fixtures', 'f.yaml', '--max-cost', '5'], { cwd });
    expect(allowed.exitCode).toBe(0);
  });

  it('reports a bad fixture at its position', async () => {
    const cwd = project({ 'wf.json': WORKFLOW, 'f.yaml': 'leaves:\n  - match: {id: a}\n    latency_ms: soon\n' });
    const run = await runCliInMemory(['run', 'wf.json', '--fixtures', 'f.yaml'], { cwd });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(/f\.yaml:3:17: leaves\.0\.latency_ms/);
  });

  it('reports an invalid workflow with diagnostics and exit 1', async () => {
    const cwd = project({ 'bad.json': '{"goal": "g", "nodes": [{"kind": "leaf", "spec": {"id": "a", "prompt": ""}}]}' });
    const run = await runCliInMemory(['run', 'bad.json'], { cwd });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain('bad.json');
  });

  it('--json writes a wide result piece by piece, each once stdout has drained the ones before', async () => {
    const ids = Array.from({ length: 600 }, (_, index) => `leaf-${index}`);
    const wide = JSON.stringify({ id: 'wide', goal: 'many leaves', nodes: [{ kind: 'branch_set', spec: { id: 'fan', parallel: true, children: ids.map((id) => ({ kind: 'leaf', spec: { id, prompt: id } })) } }] });
    const cwd = project({ 'wide.json': wide, 'f.yaml': `leaves:\n- match:\n    prompt: "^leaf-"\n  output: "{id} ${'x'.repeat(200)}"\n` });
    const { context, finish } = capturingContext({ cwd, env: { WHALEFLOW_HOME: join(cwd, 'home') } });
    const printedAtEachWait: number[] = [];
    let printed = 0;
    const counting = { ...context, stdout: (text: string) => ((printed += text.length), context.stdout(text)) };
    const drained = { ...counting, stdoutDrained: () => (printedAtEachWait.push(printed), new Promise<void>((resolve) => setImmediate(resolve))) };
    const run = finish(await main(['run', 'wide.json', '--fixtures', 'f.yaml', '--json', '--max-agents', '700'], drained));
    expect(run.exitCode).toBe(0);
    const result = JSON.parse(run.stdout) as { results: { children: { output: string }[] }[] };
    expect(result.results[0]!.children.map((child) => child.output)).toEqual(ids.map((id) => `${id} ${'x'.repeat(200)}`));
    // ~150 KB of result: several pieces, a wait after each, the output growing between waits.
    expect(printedAtEachWait.length).toBeGreaterThan(2);
    expect(printedAtEachWait.every((at, index) => index === 0 || at > printedAtEachWait[index - 1]!)).toBe(true);
    expect(printedAtEachWait.at(-1)).toBe(run.stdout.length - 1);
  });
});
