import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { runCliInMemory } from '../cli/run-cli-in-memory.js';

const directory = mkdtempSync(path.join(tmpdir(), 'whaleflow-starlark-'));

function writeProgram(name: string, source: string): string {
  writeFileSync(path.join(directory, name), source);
  return name;
}

describe('whaleflow starlark FILE', () => {
  test('prints to stdout and exits 0', async () => {
    const file = writeProgram('ok.star', 'def square(x):\n    return x * x\nprint([square(x) for x in range(4)], "done")\n');
    const run = await runCliInMemory(['starlark', file], { cwd: directory });
    expect(run).toEqual({ exitCode: 0, stdout: '[0, 1, 4, 9] done\n', stderr: '' });
  });

  test('a runtime error is one file:line:col line on stderr and exit 1', async () => {
    const file = writeProgram('div.star', 'def f(x):\n    return x // 0\nprint(f(1))\n');
    const run = await runCliInMemory(['starlark', file], { cwd: directory });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toBe('div.star:2:14: integer division by zero\n');
  });

  test('--traceback adds the call stack', async () => {
    const file = writeProgram('trace.star', 'def f(x):\n    return x // 0\nprint(f(1))\n');
    const run = await runCliInMemory(['starlark', '--traceback', file], { cwd: directory });
    expect(run.stderr).toContain('trace.star:3:8: in <toplevel>');
    expect(run.stderr).toContain('trace.star:2:14: in f');
  });

  test('every static error is printed, one per line', async () => {
    const file = writeProgram('static.star', 'x = undefined_one\ny = undefined_two\n');
    const run = await runCliInMemory(['starlark', file], { cwd: directory });
    expect(run.exitCode).toBe(1);
    expect(run.stderr.trim().split('\n')).toEqual([
      'static.star:1:5: undefined: undefined_one',
      'static.star:2:5: undefined: undefined_two',
    ]);
  });

  test('a syntax error is positioned', async () => {
    const file = writeProgram('syntax.star', 'x = f"{y}"\n');
    const run = await runCliInMemory(['starlark', file], { cwd: directory });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(/^syntax\.star:1:5: f-strings are not supported/);
  });

  test('a missing file is a clear error with exit 1', async () => {
    const run = await runCliInMemory(['starlark', 'no-such-file.star'], { cwd: directory });
    expect(run).toEqual({ exitCode: 1, stdout: '', stderr: 'no-such-file.star: cannot read file: no such file\n' });
  });

  test('--max-steps stops a long computation', async () => {
    const file = writeProgram('long.star', 'x = [i for i in range(100000)]\n');
    const run = await runCliInMemory(['starlark', '--max-steps', '1000', file], { cwd: directory });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(/^long\.star:1:\d+: step budget exceeded/);
  });

  test('--max-value-length bounds what a program may build; the default stops the issue #10 bomb at once', async () => {
    const bomb = writeProgram('bomb.star', 'x = "ab"*10000000\ny = [x]*30\nz = str(y)\n');
    const run = await runCliInMemory(['starlark', bomb], { cwd: directory });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toBe(
      "bomb.star:1:9: size limit exceeded: '*' would build a string of 20000000 characters, more than maxValueLength (4194304); raise it if the program is legitimate\n",
    );
    const raised = await runCliInMemory(['starlark', '--max-value-length', '30000000', bomb], { cwd: directory });
    expect(raised.exitCode).toBe(1);
    expect(raised.stderr).toMatch(/^bomb\.star:3:8: size limit exceeded: str would build a string of more than 30000000 characters/);
    const small = writeProgram('small.star', 'print(len("ab" * 5))\n');
    expect(await runCliInMemory(['starlark', '--max-value-length', '10', small], { cwd: directory })).toMatchObject({ exitCode: 0, stdout: '10\n' });
  });

  test('--help shows an example', async () => {
    const run = await runCliInMemory(['starlark', '--help']);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('whaleflow starlark squares.star');
  });
});
