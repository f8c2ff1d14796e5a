// bin/whaleflow.js picks what to run: the start-up script for a plain `whaleflow starlark` or for
// `whaleflow run`, else
// the bundle's main, else (no bundle, or one older than dist/cli/) the compiled dist/cli/main.js.
// Run against a copy of bin/ beside stand-in modules that say which one answered.
import { execFile as execFileCallback } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';

const execFile = promisify(execFileCallback);
const repository = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** A main() that prints who it is and its arguments; exit code 3 so a test sees it is passed on. */
const standInMain = (name: string) => `export const main = async (argv) => { process.stdout.write('${name} ' + argv.join(' ') + '\\n'); return 3; };
export const describeInternalError = (error) => 'internal: ' + error.message + '\\n';
`;
const STAND_IN_FAST_PATH = `exports.starlarkFastPath = (argv) => argv.includes('--help') ? undefined : (process.stdout.write('fast ' + argv.join(' ') + '\\n'), Promise.resolve(4));
exports.describeInternalError = (error) => 'internal: ' + error.message + '\\n';
`;

const STAND_IN_RUN_PATH = `exports.runFastPath = (argv) => argv[0] === 'run' ? (process.stdout.write('run path ' + argv.join(' ') + '\\n'), Promise.resolve(5)) : undefined;
exports.describeInternalError = (error) => 'internal: ' + error.message + '\\n';
`;

describe('bin/whaleflow.js', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'whaleflow-launcher-'));
    cpSync(path.join(repository, 'bin'), path.join(root, 'bin'), { recursive: true });
    writeFileSync(path.join(root, 'package.json'), '{"type": "module"}\n');
    mkdirSync(path.join(root, 'dist', 'cli'), { recursive: true });
    mkdirSync(path.join(root, 'dist', 'cli-bundle'));
    writeFileSync(path.join(root, 'dist', 'cli', 'main.js'), standInMain('compiled'));
    writeFileSync(path.join(root, 'dist', 'cli-bundle', 'main.js'), standInMain('bundle'));
    writeFileSync(path.join(root, 'dist', 'cli-bundle', 'starlark-fast-path.cjs'), STAND_IN_FAST_PATH);
    writeFileSync(path.join(root, 'dist', 'cli-bundle', 'run-fast-path.cjs'), STAND_IN_RUN_PATH);
    const past = new Date(Date.now() - 60_000);
    utimesSync(path.join(root, 'dist', 'cli', 'main.js'), past, past);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const launch = (...argv: string[]) =>
    execFile(process.execPath, [path.join(root, 'bin', 'whaleflow.js'), ...argv]).then(
      ({ stdout }) => ({ code: 0, stdout }),
      (error: { code: number; stdout: string }) => ({ code: error.code, stdout: error.stdout }),
    );

  test('a plain whaleflow starlark goes to the start-up script; what it declines goes to the bundle', async () => {
    expect(await launch('starlark', 'a.star')).toEqual({ code: 4, stdout: 'fast starlark a.star\n' });
    expect(await launch('starlark', '--help')).toEqual({ code: 3, stdout: 'bundle starlark --help\n' });
    expect(await launch('check', 'a.star')).toEqual({ code: 3, stdout: 'bundle check a.star\n' });
  });

  test('whaleflow run goes to its start-up script; a command line not starting with run goes to the bundle', async () => {
    expect(await launch('run', 'a.json', '--json')).toEqual({ code: 5, stdout: 'run path run a.json --json\n' });
    expect(await launch('--no-color', 'run', 'a.json')).toEqual({ code: 3, stdout: 'bundle --no-color run a.json\n' });
    expect(await launch('runs')).toEqual({ code: 3, stdout: 'bundle runs\n' });
  });

  test('whaleflow run exits once its output is flushed, whatever else would keep Node running', async () => {
    // The stand-in writes more than a pipe holds at once and leaves a timer behind that would
    // write once more, 20 s later, if the process were still there.
    writeFileSync(
      path.join(root, 'dist', 'cli-bundle', 'run-fast-path.cjs'),
      `exports.runFastPath = (argv) => { setTimeout(() => process.stdout.write('still running\\n'), 20000); process.stdout.write('x'.repeat(1 << 18) + '\\nend\\n'); return Promise.resolve(6); };
exports.describeInternalError = (error) => 'internal: ' + error.message + '\\n';
`,
    );
    const outcome = await launch('run', 'a.json');
    expect(outcome.code).toBe(6);
    expect(outcome.stdout).toBe(`${'x'.repeat(1 << 18)}\nend\n`);
  });

  test('without the start-up scripts, the bundle runs every command', async () => {
    rmSync(path.join(root, 'dist', 'cli-bundle', 'starlark-fast-path.cjs'));
    rmSync(path.join(root, 'dist', 'cli-bundle', 'run-fast-path.cjs'));
    expect(await launch('starlark', 'a.star')).toEqual({ code: 3, stdout: 'bundle starlark a.star\n' });
    expect(await launch('run', 'a.json')).toEqual({ code: 3, stdout: 'bundle run a.json\n' });
  });

  test('a bundle older than dist/cli (tsc ran again without bundling) is not used, its start-up script neither', async () => {
    const older = new Date(Date.now() - 120_000);
    utimesSync(path.join(root, 'dist', 'cli-bundle', 'main.js'), older, older);
    expect(await launch('starlark', 'a.star')).toEqual({ code: 3, stdout: 'compiled starlark a.star\n' });
    expect(await launch('run', 'a.json')).toEqual({ code: 3, stdout: 'compiled run a.json\n' });
    rmSync(path.join(root, 'dist', 'cli-bundle'), { recursive: true });
    expect(await launch('starlark', 'a.star')).toEqual({ code: 3, stdout: 'compiled starlark a.star\n' });
  });

  test('a failure the start-up path did not expect is an internal error, exit 70', async () => {
    writeFileSync(path.join(root, 'dist', 'cli-bundle', 'starlark-fast-path.cjs'), STAND_IN_FAST_PATH.replace("Promise.resolve(4)", "Promise.reject(new Error('boom'))"));
    const failed = await execFile(process.execPath, [path.join(root, 'bin', 'whaleflow.js'), 'starlark', 'a.star']).catch((error: { code: number; stderr: string }) => error);
    expect(failed).toMatchObject({ code: 70, stderr: 'internal: boom\n' });
  });
});
