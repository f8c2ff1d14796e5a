// bin/whaleflow.js runs `whaleflow starlark` through starlark-fast-path.ts when the arguments are
// plain, and through main() otherwise: both must print, fail and exit identically.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { capturingContext, runCliInMemory, type CapturedRun } from './run-cli-in-memory.js';
import { plainStarlarkArguments, starlarkFastPath } from './starlark-fast-path.js';

const directory = mkdtempSync(path.join(tmpdir(), 'whaleflow-fast-path-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const SECRET = 'sk-fast-path-secret-0123456789';
const env = { ...process.env, WHALEFLOW_TEST_API_KEY: SECRET };

const PROGRAMS: Record<string, string> = {
  'empty.star': '',
  'prints.star': 'def square(x):\n    return x * x\nprint([square(x) for x in range(4)], "done")\n',
  'runtime-error.star': 'def f(d):\n    return d["missing"]\nf({})\n',
  'static-errors.star': 'print(a)\nprint(b)\n',
  'syntax-error.star': 'x = (1,\n',
  'long.star': 'x = [i for i in range(100000)]\n',
  'big.star': 'print(len("ab" * 5))\n',
  'secret.star': `print("key: ${SECRET}")\nfail("leaked ${SECRET}")\n`,
};
for (const [name, source] of Object.entries(PROGRAMS)) writeFileSync(path.join(directory, name), source);
mkdirSync(path.join(directory, 'folder.star'));

async function throughFastPath(argv: readonly string[]): Promise<CapturedRun | undefined> {
  const { context, finish } = capturingContext({ cwd: directory, env });
  const outcome = starlarkFastPath(argv, context);
  return outcome === undefined ? undefined : finish(await outcome);
}

describe('the start-up path of whaleflow starlark', () => {
  const taken: readonly (readonly string[])[] = [
    ['starlark', 'empty.star'],
    ['starlark', 'prints.star'],
    ['starlark', 'runtime-error.star'],
    ['starlark', 'runtime-error.star', '--traceback'],
    ['starlark', '--traceback', 'runtime-error.star'],
    ['starlark', 'static-errors.star'],
    ['starlark', 'syntax-error.star'],
    ['starlark', 'missing.star'],
    ['starlark', 'folder.star'],
    ['starlark', '--max-steps', '1000', 'long.star'],
    ['starlark', 'long.star', '--max-steps=1000'],
    ['starlark', '--max-value-length', '10', 'big.star'],
    ['starlark', '--max-value-length=9', 'big.star'],
    ['starlark', 'secret.star'],
  ];
  test.each(taken)('takes %j and answers exactly as the full command line does', async (...argv) => {
    const fast = await throughFastPath(argv);
    const full = await runCliInMemory(argv, { cwd: directory, env });
    expect(fast).toEqual(full);
  });

  test('redacts what a program prints and what its error says', async () => {
    const fast = await throughFastPath(['starlark', 'secret.star']);
    expect(fast!.exitCode).toBe(1);
    expect(fast!.stdout + fast!.stderr).toContain('[REDACTED]');
    expect(fast!.stdout + fast!.stderr).not.toContain(SECRET);
  });

  const declined: readonly (readonly string[])[] = [
    ['run', 'prints.star'],
    ['--version'],
    [],
    ['starlark'],
    ['starlark', '--help'],
    ['starlark', '-h', 'prints.star'],
    ['starlark', 'prints.star', 'empty.star'],
    ['starlark', '--max-steps', 'prints.star'],
    ['starlark', '--max-steps', '0', 'prints.star'],
    ['starlark', '--max-steps', '-5', 'prints.star'],
    ['starlark', '--max-steps=abc', 'prints.star'],
    ['starlark', '--max-steps', '5', '--max-steps', '6', 'prints.star'],
    ['starlark', '--traceback', '--traceback', 'prints.star'],
    ['starlark', '--traceback=yes', 'prints.star'],
    ['starlark', '--unknown', 'prints.star'],
    ['starlark', '--', 'prints.star'],
    ['starlark', '-', 'prints.star'],
  ];
  test.each(declined)('leaves %j to the full command line', (...argv) => {
    expect(plainStarlarkArguments(argv)).toBeUndefined();
  });

  test('reads the options it takes as the command does', () => {
    expect(plainStarlarkArguments(['starlark', '--max-steps', '7', 'a.star', '--traceback', '--max-value-length=12'])).toEqual({
      file: 'a.star',
      options: { maxSteps: 7, traceback: true, maxValueLength: 12 },
    });
  });
});
