// Terminal escape injection through external memory: a context holds repository content or a
// command's output (a build log with colour codes, a file a model wrote), so `memory show`,
// `memory search` and `memory ls` print it with control characters as visible escapes, and
// their --json forms still parse to the exact stored text. Real `whaleflow` processes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempGitRepository, type TempGitRepository } from '../leaves/testing/temp-git-repository.js';
import { memoryEnabledConfig } from '../memory/testing/memory-enabled-config.js';
import { runCliInMemory } from './run-cli-in-memory.js';
import { runWhaleflowProcess } from './testing/whaleflow-process.js';
import { isolatedUserEnvironment } from '../util/testing/isolated-user-environment.js';

/** Set the title, write the clipboard, a C1 CSI and a bidi override: in one log line. */
const HOSTILE_LINE = 'FAIL \x1b]0;PWNED-TITLE\x07 \x1b]52;c;cHduZWQ=\x1b\\ \u009b31m \u202eexe.txt';

describe('memory commands print a context’s text escaped', () => {
  let repository: TempGitRepository;
  const env = (): NodeJS.ProcessEnv => (isolatedUserEnvironment(repository.root));

  beforeAll(async () => {
    repository = tempGitRepository({
      'README.md': 'project\n',
      'logs/build.log': `ok step one\n${HOSTILE_LINE}\n`,
      'whaleflow.config.yaml': memoryEnabledConfig(),
      'load.yaml': 'id: load\ngoal: load the build log\nnodes:\n  - kind: memory\n    spec: {id: build_log, source: {files: ["logs/*.log"]}}\n',
    });
    const run = await runCliInMemory(['run', 'load.yaml', '--provider', 'mock'], { cwd: repository.root, env: env() });
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
  }, 120_000);
  afterAll(() => repository?.remove());

  const whaleflow = (...args: string[]) => runWhaleflowProcess(args, { cwd: repository.root, env: env() });
  const raw = /[\x07\x1b\u009b\u202e]/;

  it('show and search: no raw control character reaches the terminal, the escapes are visible', () => {
    for (const args of [['memory', 'show', 'build_log', '--lines', '1-3'], ['memory', 'search', 'build_log', 'FAIL'], ['memory', 'ls']]) {
      const outcome = whaleflow(...args);
      expect(outcome.status, outcome.stderr).toBe(0);
      expect(raw.test(outcome.stdout), `${args.join(' ')}: ${JSON.stringify(outcome.stdout)}`).toBe(false);
      expect(raw.test(outcome.stderr)).toBe(false);
    }
    expect(whaleflow('memory', 'search', 'build_log', 'FAIL').stdout).toContain('\\x1b]52;c;cHduZWQ=');
  });

  it('--json and export still carry the exact text', () => {
    const shown = whaleflow('memory', 'show', 'build_log', '--lines', '1-3', '--json');
    expect(raw.test(shown.stdout)).toBe(false);
    expect(JSON.stringify(JSON.parse(shown.stdout))).toContain(JSON.stringify(HOSTILE_LINE).slice(1, -1));
    const exported = whaleflow('memory', 'export', 'build_log');
    expect(raw.test(exported.stdout)).toBe(false);
    expect((JSON.parse(exported.stdout) as { contexts: { text: string }[] }).contexts[0]!.text).toContain(HOSTILE_LINE);
  });
});
