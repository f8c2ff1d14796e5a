import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HAND_BUILT, recordLiveRun } from '../../runs/testing/hand-built-specs.js';
import { SecretRedactor, SqliteTraceStore } from '../../trace/index.js';
import { runCliInMemory } from '../run-cli-in-memory.js';

/** A project whose trace holds one live run of `workflow`, its leaves answering `outputOf`. */
async function projectWithRun(workflow: keyof typeof HAND_BUILT, outputOf?: (id: string) => string): Promise<string> {
  const cwd = mkdtempSync(join(tmpdir(), 'whaleflow-replay-tree-'));
  // Recorded by a store that knows no secret: what becomes one later is in the trace as it is.
  const store = new SqliteTraceStore(join(cwd, '.whaleflow', 'whaleflow.db'), { redactor: new SecretRedactor({}) });
  await recordLiveRun(store, HAND_BUILT[workflow]!, 'recorded-run', outputOf ? { outputOf } : {});
  store.close();
  return cwd;
}

/** A tree's lines without what differs between two reads of one run: durations and the run's time of day. */
function shape(tree: string): string {
  return tree
    .replace(/\d+(\.\d+)?m?s\b/g, 'T')
    .replace(/^started .*$/m, 'started …')
    .trim();
}

/** The tree `replay` printed: everything before the line saying what it served. */
function printedTree(stdout: string): string {
  return stdout.slice(0, stdout.indexOf('\nserved '));
}

describe('the tree `whaleflow replay` prints, folded from the events it emits', () => {
  for (const workflow of Object.keys(HAND_BUILT)) {
    for (const [how, argv] of [
      ['by reference', ['replay', 'recorded-run']],
      ['in full (an export file)', ['replay', '--trace', 'run.json']],
    ] as const) {
      it(`${workflow}, recorded ${how}: is the tree inspect reads back from the replay's record`, async () => {
        const cwd = await projectWithRun(workflow);
        const cli = (...args: string[]) => runCliInMemory(args, { cwd, env: {} });
        if (how !== 'by reference') expect((await cli('export', 'recorded-run', '-o', 'run.json')).exitCode).toBe(0);
        const replay = await cli(...argv);
        expect(replay.stderr).toBe('');
        expect(replay.stdout).toContain('parity: identical');
        const inspected = await cli('inspect', 'last');
        expect(inspected.exitCode).toBe(0);
        expect(shape(printedTree(replay.stdout))).toBe(shape(inspected.stdout));
      });
    }
  }

  it('redacts a value that became a secret after the run before cutting its output to width', async () => {
    const secret = 'hunter2-hunter2-hunter2-hunter2';
    // The output is cut at 80 characters, in the middle of the secret: cut first, it would no longer be recognised.
    const cwd = await projectWithRun('parallel fan-out and reduce', (id) => `${id}: ${'x'.repeat(60)}${secret}`);
    const replay = await runCliInMemory(['replay', 'recorded-run'], { cwd, env: { DEPLOY_TOKEN: secret } });
    expect(replay.stdout).toContain('parity: identical');
    expect(replay.stdout).toContain('[from trace]');
    expect(replay.stdout).not.toContain('hunter2');
  });

  it('--json prints the outcome only', async () => {
    const cwd = await projectWithRun('parallel fan-out and reduce');
    const replay = await runCliInMemory(['replay', 'recorded-run', '--json'], { cwd, env: {} });
    expect(JSON.parse(replay.stdout)).toMatchObject({ parity: { identical: true }, ranLive: 0 });
  });
});
