import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempGitRepository, type TempGitRepository } from '../../leaves/testing/temp-git-repository.js';
import { EMPTY_SNAPSHOT_ID, LearningStore, makeLesson, openLearningDatabase, runFigures } from '../../learning/index.js';
import { badModule, CHECK_SCRIPT, conventionScript, evidenceWorkflow, LEARNING_CONFIG, taskWorkflow } from '../../learning/testing/convention-tasks.js';
import { SqliteTraceStore } from '../../trace/index.js';
import type { RunEventOf } from '../../engine/index.js';
import { runCliInMemory } from '../run-cli-in-memory.js';
import { isolatedUserEnvironment } from '../../util/testing/isolated-user-environment.js';

const TASKS = ['alpha', 'beta', 'gamma'];
const EVIDENCE = 'greet';

describe('the learning loop end to end (mock model, through the CLI)', () => {
  let repository: TempGitRepository;
  let env: NodeJS.ProcessEnv;
  const cli = (...args: string[]) => runCliInMemory(args, { cwd: repository.root, env });
  const database = () => join(repository.root, '.whaleflow', 'whaleflow.db');
  const started = (runId: string): RunEventOf<'run_started'> => {
    const trace = new SqliteTraceStore(database());
    try {
      return trace.events(runId, 0, ['run_started'])[0]!.event as RunEventOf<'run_started'>;
    } finally {
      trace.close();
    }
  };
  const withStore = <T>(use: (store: LearningStore) => T): T => {
    const store = new LearningStore(openLearningDatabase(database()));
    try {
      return use(store);
    } finally {
      store.close();
    }
  };
  const figures = (runId: string) => {
    const trace = new SqliteTraceStore(database());
    try {
      return runFigures(trace, runId);
    } finally {
      trace.close();
    }
  };
  /** Runs a workflow with the real leaves and the scripted mock model, then puts the tree back (the task's edits are its own). */
  const run = async (file: string): Promise<{ runId: string; exitCode: number; stdout: string }> => {
    const result = await cli('run', file, '--provider', 'mock-model', '--fixtures', 'mock.json', '--allow-write-tree', '--json');
    repository.git('checkout', '--', 'src');
    const parsed = JSON.parse(result.stdout) as { run_id: string };
    return { runId: parsed.run_id, exitCode: result.exitCode, stdout: result.stderr };
  };

  beforeAll(() => {
    const files: Record<string, string> = { 'check.mjs': CHECK_SCRIPT, 'whaleflow.config.yaml': LEARNING_CONFIG, 'mock.json': JSON.stringify(conventionScript(TASKS, EVIDENCE)), [`fix-${EVIDENCE}.yaml`]: evidenceWorkflow(EVIDENCE) };
    for (const name of [...TASKS, EVIDENCE]) {
      files[`src/${name}.ts`] = badModule(name);
      files[`task-${name}.yaml`] = taskWorkflow(name);
    }
    repository = tempGitRepository(files);
    env = isolatedUserEnvironment(repository.root);
  });
  afterAll(() => repository.remove());

  it('proposes, replays cheaply, gates (against the current overlay), applies, replays exactly and reverts', async () => {
    // Baselines of three held-out tasks: the implementer needs a second turn to fix its module.
    const baselines: string[] = [];
    for (const name of TASKS) {
      const outcome = await run(`task-${name}.yaml`);
      expect(outcome.exitCode, outcome.stdout).toBe(0);
      baselines.push(outcome.runId);
    }
    // The evidence: the quick try's test fails, the careful try's test passes.
    const evidence = await run(`fix-${EVIDENCE}.yaml`);
    expect(evidence.exitCode).toBe(1);

    const proposed = await cli('learn', 'propose', evidence.runId, '--fixtures', 'mock.json', '--json');
    expect(proposed.exitCode, proposed.stderr + proposed.stdout.slice(0, 3000)).toBe(0);
    const lessons = (JSON.parse(proposed.stdout) as { lessons: { lesson: { id: string; kind: string; content: Record<string, unknown> } }[] }).lessons.map((entry) => entry.lesson);
    const regression = lessons.find((lesson) => lesson.kind === 'regression_test')!;
    const note = lessons.find((lesson) => lesson.kind === 'note')!;
    expect(regression.content).toMatchObject({ command: `node check.mjs ${EVIDENCE}` });
    expect(note.content.text).toMatch(/named exports/);

    // Student replay on three tasks: only the implementer (the lesson's role) and the test after it run live.
    const replayed = await cli('learn', 'replay', note.id.slice(0, 10), '--runs', ...baselines, '--fixtures', 'mock.json', '--json');
    expect(replayed.exitCode, replayed.stderr).toBe(0);
    const replay = JSON.parse(replayed.stdout) as { totals: { tasks: number; modelCalls: number; live: number; served: number }; replays: { replay: { liveNodes: string[] }; baseline: { steps: number; success: boolean }; candidate: { steps: number; success: boolean } }[] };
    // 2 model calls per task (write, finish) instead of 5 for a full re-run (explore 1, fix 3, summary 1).
    expect(replay.totals).toMatchObject({ tasks: 3, modelCalls: 6, live: 6, served: 6 });
    for (const [index, entry] of replay.replays.entries()) {
      expect(entry.replay.liveNodes.sort()).toEqual([`fix-${TASKS[index]}`, `test-${TASKS[index]}`]);
      expect(entry.candidate.steps).toBeLessThan(entry.baseline.steps);
      expect(entry.candidate.success).toBe(true);
    }

    // The gate promotes the note and rejects the regression test, each with reasons.
    const noteGate = await cli('learn', 'gate', note.id, '--runs', ...baselines, '--fixtures', 'mock.json', '--json');
    expect(noteGate.exitCode, noteGate.stderr).toBe(0);
    const noteDecision = JSON.parse(noteGate.stdout) as { verdict: string; screen: { reasons: string[] }; validate: { reasons: string[] } };
    expect(noteDecision.verdict, JSON.stringify([noteDecision.screen, noteDecision.validate], null, 1).slice(0, 4000)).toBe('promoted');
    expect(noteDecision.screen.reasons.join(' ')).toMatch(/score rose on its evidence \(score 0 → 1/);
    expect(noteDecision.validate.reasons.join(' ')).toMatch(/cheaper at no loss of success — tokens ratio 0\.\d+, 95% paired bootstrap interval/);
    const regressionGate = await cli('learn', 'gate', regression.id, '--runs', ...baselines, '--fixtures', 'mock.json');
    expect(regressionGate.stdout).toMatch(/verdict: rejected/);
    expect(regressionGate.stdout).toMatch(/not better on its own evidence/);
    const shown = await cli('learn', 'show', regression.id);
    expect(shown.stdout).toMatch(/rejected\s+screen: not better on its own evidence/);

    // A rejected lesson is in no snapshot.
    withStore((store) => {
      expect(store.overlay.snapshots().every((snapshot) => !snapshot.lessonIds.includes(regression.id))).toBe(true);
      expect(store.overlay.head().lessonIds).toEqual([note.id]);
    });

    // Judged against the current overlay: a second lesson that only repeats what the promoted note
    // already achieves brings nothing on top of it (its baseline is replayed under the overlay).
    const repeat = withStore((store) => {
      const first = store.lessons.get(note.id)!;
      const lesson = makeLesson({ kind: 'skill_patch', content: { text: 'Remember: named exports only in src/.' }, scope: first.scope }, { title: 'named exports again', provenance: first.provenance, invalidation: first.invalidation, createdAt: 5 });
      store.lessons.add(lesson, ['a second opinion']);
      return lesson;
    });
    const repeatGate = await cli('learn', 'gate', repeat.id, '--runs', ...baselines, '--fixtures', 'mock.json', '--json');
    const repeatDecision = JSON.parse(repeatGate.stdout) as { verdict: string; screen: { reasons: string[]; figures: { baselineScore: number; candidateScore: number } } };
    expect(repeatDecision.verdict).toBe('rejected');
    expect(repeatDecision.screen.figures).toMatchObject({ baselineScore: 1, candidateScore: 1 }); // the baseline already had the note
    expect(repeatDecision.screen.reasons[0]).toMatch(/not better on its own evidence/);

    // The next run applies the overlay (recorded in run_started) and takes fewer steps.
    const next = await run('task-alpha.yaml');
    expect(next.exitCode).toBe(0);
    expect(next.stdout).toMatch(/overlay: snapshot [0-9a-f]{12}, 1 lesson\(s\) applied/);
    const overlay = started(next.runId).overlay!;
    expect(overlay.lessons.map((lesson) => lesson.id)).toEqual([note.id]);
    expect(overlay.blocks[overlay.leafBlocks['fix-alpha']!]).toMatch(/named exports/);
    expect(figures(next.runId).steps).toBeLessThan(figures(baselines[0]!).steps);
    // inspect and report show what the run applied.
    const inspected = await cli('inspect', next.runId);
    expect(inspected.stdout).toMatch(new RegExp(`overlay snapshot ${overlay.snapshotId.slice(0, 12)}, 1 lesson\\(s\\) applied`));
    expect(inspected.stdout).toContain(`applied ${note.id.slice(0, 12)} note "modules use named exports": advisory for`);
    const report = await cli('report', next.runId);
    expect(report.stdout).toMatch(/\| overlay \| snapshot [0-9a-f]{12}, 1 lesson\(s\) applied/);
    expect(report.stdout).toMatch(/## Overlay[\s\S]*- applied [0-9a-f]{12} note "modules use named exports"/);

    // Replay of that run is identical, with zero calls.
    const replayOfNext = await cli('replay', next.runId, '--json');
    expect(replayOfNext.exitCode, replayOfNext.stdout).toBe(0);
    expect(JSON.parse(replayOfNext.stdout)).toMatchObject({ parity: { identical: true }, liveCalls: { leafRuns: 0, gatewayCalls: 0 } });

    // Revert: the next run applies nothing.
    const reverted = await cli('overlay', 'revert', note.id.slice(0, 8));
    expect(reverted.stdout).toMatch(/reverted/);
    const after = await run('task-alpha.yaml');
    expect(started(after.runId).overlay).toMatchObject({ snapshotId: EMPTY_SNAPSHOT_ID, lessons: [] });
    expect(figures(after.runId).steps).toBe(figures(baselines[0]!).steps);
    // About twenty real CLI processes in sequence: ~40 s on an idle 2-core machine, over 60 s under load.
  }, 240_000);
});

