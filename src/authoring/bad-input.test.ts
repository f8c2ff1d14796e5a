import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliInMemory } from '../cli/index.js';

const dir = mkdtempSync(join(tmpdir(), 'whaleflow-bad-input-'));
function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/** Every bad input ends in exit 1 with positioned diagnostics — never a stack trace. */
async function expectDiagnostic(path: string, pattern: RegExp): Promise<void> {
  const result = await runCliInMemory(['check', path]);
  expect(result.exitCode).toBe(1);
  expect(result.stderr).toMatch(pattern);
  expect(result.stderr).not.toMatch(/\n\s+at /);
}

describe('bad input never crashes', () => {
  it('malformed JSON: positioned syntax error', async () => {
    await expectDiagnostic(file('broken.json', '{"goal": "g",\n "nodes": [ }'), /broken\.json:2:13: expected a value, found "}"/);
  });

  it('truncated JSON', async () => {
    await expectDiagnostic(file('truncated.json', '{"goal": "g", "nodes": ['), /truncated\.json:1:25: expected a value, found the end of the file/);
  });

  it('malformed YAML: positioned syntax error', async () => {
    await expectDiagnostic(file('broken.yaml', 'goal: g\nnodes:\n  - kind: leaf\n   spec: [\n'), /broken\.yaml:\d+:\d+: /);
  });

  it('duplicate keys in JSON and YAML', async () => {
    await expectDiagnostic(file('dup.json', '{"goal": "g", "goal": "h"}'), /dup\.json:1:15: duplicate key "goal"/);
    await expectDiagnostic(file('dup.yaml', 'goal: g\ngoal: h\n'), /dup\.yaml:2:1: duplicated mapping key/);
  });

  it('wrong types', async () => {
    await expectDiagnostic(file('types.json', '{"goal": 7, "nodes": {}}'), /types\.json:1:2: goal: expected string, got number 7/);
    await expectDiagnostic(file('list.yaml', '- just\n- a list\n'), /a workflow must be an object with a "goal" and "nodes", not a list/);
  });

  it('a file over the size limit', async () => {
    const huge = file('huge.json', `{"goal": "${'x'.repeat(10 * 1024 * 1024)}"}`);
    await expectDiagnostic(huge, /huge\.json:1:1: workflow file is 10\.0 MiB; the limit is 8\.0 MiB/);
  });

  it('10,000 levels of nesting in JSON and YAML', async () => {
    const deep = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
    await expectDiagnostic(file('deep.json', `{"goal": "g", "nodes": ${deep}}`), /deep\.json:1:\d+: nesting is deeper than 512 levels/);
    await expectDiagnostic(file('deep.yaml', `goal: g\nnodes: ${deep}\n`), /deep\.yaml:\d+:\d+: /);
  });

  it('10,000 levels of nested nodes', async () => {
    let node = '{"kind":"leaf","spec":{"id":"leaf","prompt":"p"}}';
    for (let level = 0; level < 10_000; level += 1) node = `{"kind":"sequence","spec":{"id":"s${level}","children":[${node}]}}`;
    await expectDiagnostic(file('deep-nodes.json', `{"goal":"g","nodes":[${node}]}`), /nesting is deeper than 512 levels/);
  });

  it('a missing file, a directory, an unknown suffix', async () => {
    await expectDiagnostic(join(dir, 'nope.yaml'), /nope\.yaml: cannot read workflow file \(no such file\)/);
    await expectDiagnostic(dir, /is a directory, not a workflow file/);
    await expectDiagnostic(file('flow.txt', 'goal: g'), /cannot tell the workflow format from the file name/);
  });

  it('a usage error exits 2', async () => {
    const result = await runCliInMemory(['check']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/missing required argument/);
  });

  it('a valid file checks clean with exit 0', async () => {
    const result = await runCliInMemory(['check', file('ok.yaml', 'goal: g\nnodes:\n  - {kind: leaf, spec: {id: a, prompt: p}}\n')]);
    expect(result).toMatchObject({ exitCode: 0, stderr: '' });
  });
});
