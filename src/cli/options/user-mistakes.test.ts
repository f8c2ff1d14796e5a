// User mistakes on the command line get one clear line and exit 2 (usage) or 1, never a stack
// trace: bad numbers, paths that are missing or directories, output paths that cannot be
// written, the TUI without a terminal. Each class is checked at its shared parsing point
// (src/cli/options), so every command that takes such an option is covered; the table names them.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { recordMockRun, REVIEW_FIXTURE, reviewSpec } from '../../runs/testing/record-mock-run.js';
import { SqliteTraceStore } from '../../trace/index.js';
import { runCliInMemory } from '../run-cli-in-memory.js';

const repository = fileURLToPath(new URL('../../..', import.meta.url));
const entry = join(repository, 'bin', 'whaleflow.js');
const workflow = join(repository, 'workflows', 'review_fanout.yaml');

let cwd: string;
let db: string;

beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), 'whaleflow-mistakes-'));
  db = join(cwd, 'trace.db');
  const store = new SqliteTraceStore(db);
  store.appendEvents((await recordMockRun(reviewSpec(), { fixture: REVIEW_FIXTURE, runId: 'aaaa1111-review' })).events);
  store.close();
  mkdirSync(join(cwd, 'a-folder'));
  writeFileSync(join(cwd, 'bad-regex.fixtures.yaml'), 'leaves:\n  - match: {prompt: "(unclosed"}\n    output: x\n');
  // Passes the parse-time check (its folder exists) but cannot be written: it points into a missing folder.
  symlinkSync(join(cwd, 'missing-folder', 'out.json'), join(cwd, 'dangling.json'));
});

/** [arguments, exit code, what stderr says]; `DB` stands for the recorded trace. */
const MISTAKES: readonly (readonly [string[], number, RegExp])[] = [
  [['run', workflow, '--fixtures', 'nope.yaml'], 2, /--fixtures.*cannot read nope\.yaml: no such file/],
  [['run', workflow, '--fixtures', 'a-folder'], 2, /--fixtures.*a-folder is a directory, not a file/],
  [['resume', 'last', '--db', 'DB', '--fixtures', 'nope.yaml'], 2, /--fixtures.*no such file/],
  [['replay', 'last', '--db', 'DB', '--fixtures', 'a-folder'], 2, /--fixtures.*is a directory/],
  [['replay', '--trace', 'nope.json'], 2, /--trace.*no such file/],
  [['resume', 'last', '--db', 'DB', '--file', 'a-folder'], 2, /--file.*is a directory/],
  [['export', 'last', '--db', 'DB', '-o', 'missing-folder/run.json'], 2, /cannot write missing-folder\/run\.json: its folder missing-folder does not exist/],
  [['report', 'last', '--db', 'DB', '-o', 'a-folder'], 2, /a-folder is a directory; name a file to write/],
  [['memo', 'export', '--db', 'DB', '--out', 'missing-folder/memo.jsonl'], 2, /--out.*its folder .*does not exist/],
  [['export', 'last', '--db', 'DB', '-o', 'dangling.json'], 1, /^whaleflow: cannot write .*dangling\.json: no such file or folder\n$/],
  [['ps', '--db', 'DB', '--limit', 'abc'], 2, /--limit.*expected a positive whole number/],
  [['ps', '--db', 'DB', '--limit', '-2'], 2, /--limit.*expected a positive whole number/],
  [['ps', '--db', 'DB', '--limit', '0'], 2, /--limit.*expected a positive whole number/],
  [['ps', '--db', 'DB', '--interval', 'abc', '--watch'], 2, /--interval.*expected whole milliseconds, at least 100/],
  [['ps', '--db', 'DB', '--interval', '5', '--watch'], 2, /--interval.*at least 100/],
  [['resume', 'last', '--db', 'DB', '--max-concurrency', 'abc'], 2, /--max-concurrency.*positive whole number/],
  [['run', workflow, '--max-concurrency', '1.5'], 2, /--max-concurrency.*positive whole number/],
  [['run', workflow, '--max-cost', '0x10'], 2, /--max-cost.*US dollars/],
  [['starlark', '--max-steps', '', 'x.star'], 2, /--max-steps.*positive whole number/],
  [['check', '--max-agents', '-1', workflow], 2, /--max-agents.*positive whole number/],
  [['inspect', 'last', '--db', 'a-folder'], 2, /a-folder is a directory; --db names the database file/],
  [['memo', 'stats', '--db', 'a-folder'], 2, /a-folder is a directory/],
  [['replay', 'last', '--db', 'DB', '--from', ''], 2, /--from.*expected a value/],
  [['blob', 'not-a-hash', '--db', 'DB'], 2, /"not-a-hash" is not a SHA-256 hash/],
  [['inspect', 'zzzz', '--db', 'DB'], 1, /no run matches "zzzz"/],
  [['tui', '--db', 'DB'], 2, /the TUI needs an interactive terminal/],
  [['run', workflow, '--fixtures', 'bad-regex.fixtures.yaml'], 1, /bad-regex\.fixtures\.yaml:2:21: leaves\.0\.match\.prompt: Invalid regular expression/],
  [['check', 'nope.star'], 1, /^nope\.star: cannot read workflow file \(no such file\)\n$/],
];

describe('user mistakes on the command line', () => {
  for (const [args, exitCode, message] of MISTAKES) {
    it(`whaleflow ${args.map((arg) => (arg === workflow ? 'WORKFLOW' : arg === '' ? "''" : arg)).join(' ')} → exit ${exitCode}, one clear line`, async () => {
      const argv = args.map((arg) => (arg === 'DB' ? db : arg));
      const result = await runCliInMemory(argv, { cwd, env: { ...process.env, WHALEFLOW_HOME: '' } });
      expect(result.stderr).toMatch(message);
      expect(result.exitCode).toBe(exitCode);
      expect(result.stderr).not.toMatch(/\n\s+at |internal error/);
      expect(result.stdout).not.toContain('pre-flight'); // refused before anything started
    });
  }
});

describe.skipIf(!existsSync(join(repository, 'dist', 'cli', 'main.js')))('user mistakes in a real process (needs `npm run build`)', () => {
  it('whaleflow tui without a terminal (stdin and stdout not TTYs) exits 2 with a hint instead of an Ink stack trace', () => {
    const child = spawnSync(process.execPath, [entry, 'tui', '--db', db], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(child.status).toBe(2);
    expect(child.stderr).toBe('whaleflow: the TUI needs an interactive terminal (stdin and stdout a TTY); in a script or a pipe use `whaleflow ps` (or `ps --watch`, `ps --json`)\n');
    expect(child.stdout).toBe('');
  });

  it('a missing --fixtures file and a subcommand usage error exit 2 from the real binary, without a stack trace', () => {
    const fixtures = spawnSync(process.execPath, [entry, 'run', workflow, '--fixtures', 'nope.yaml'], { cwd, encoding: 'utf8' });
    expect(fixtures.status).toBe(2);
    expect(fixtures.stderr).not.toMatch(/\n\s+at /);
    const memo = spawnSync(process.execPath, [entry, 'memo', 'stats', '--db', 'a-folder'], { cwd, encoding: 'utf8' });
    expect(memo.status).toBe(2);
    expect(execFileSync(process.execPath, [entry, 'ps', '--db', db, '--limit', '1'], { cwd, encoding: 'utf8' })).toContain('aaaa1111');
  });
});
