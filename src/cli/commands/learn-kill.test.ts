// Lessons and the overlay survive `kill -9` of a real `whaleflow learn` process at any point of
// the loop: while it proposes, while a student replay runs, between the gate's stages and right
// after a promotion. Each kill point is reached by watching the database (not by a clock), the
// process is killed with SIGKILL, and then: PRAGMA integrity_check is ok, every lesson has a
// history that starts with `proposed`, the overlay's log and head agree, every lesson in the head
// passed the gate, and the next `whaleflow learn` finishes the work and promotes the lesson.
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempGitRepository, type TempGitRepository } from '../../leaves/testing/temp-git-repository.js';
import { LearningStore, openLearningDatabase } from '../../learning/index.js';
import { badModule, CHECK_SCRIPT, conventionScript, evidenceWorkflow, LEARNING_CONFIG, taskWorkflow } from '../../learning/testing/convention-tasks.js';
import { runCliInMemory } from '../run-cli-in-memory.js';
import { whaleflowCommand } from '../testing/whaleflow-process.js';

const TASKS = ['alpha', 'beta', 'gamma'];
const EVIDENCE = 'greet';

/** A point of the loop, as the database shows it: reached when the measure grows past its value at the start. */
interface KillPoint {
  readonly name: string;
  readonly measure: (database: Database.Database) => number;
}

const count = (database: Database.Database, sql: string): number => (database.prepare(sql).get() as { n: number }).n;

const KILL_POINTS: readonly KillPoint[] = [
  { name: 'as soon as a lesson is proposed', measure: (db) => count(db, 'SELECT count(*) AS n FROM learning_lesson_events') },
  { name: 'while a student replay runs', measure: (db) => count(db, "SELECT count(*) AS n FROM workflow_runs WHERE mode = 'replay' AND finished_at IS NULL") },
  { name: 'after a replay is recorded', measure: (db) => count(db, 'SELECT count(*) AS n FROM learning_replays') },
  { name: 'between the gate stages', measure: (db) => count(db, 'SELECT count(*) AS n FROM learning_gate_decisions') },
  { name: 'right after a promotion', measure: (db) => count(db, "SELECT count(*) AS n FROM learning_overlay_log WHERE action = 'promote'") },
];

describe('whaleflow learn killed with SIGKILL (real processes)', () => {
  let repository: TempGitRepository;
  let env: NodeJS.ProcessEnv;
  const baselines: string[] = [];
  let evidenceRun = '';
  const database = () => join(repository.root, '.whaleflow', 'whaleflow.db');
  const cli = (...args: string[]) => runCliInMemory(args, { cwd: repository.root, env });
  const run = async (file: string): Promise<string> => {
    const result = await cli('run', file, '--provider', 'mock-model', '--fixtures', 'mock.json', '--allow-write-tree', '--json');
    repository.git('checkout', '--', 'src');
    return (JSON.parse(result.stdout) as { run_id: string }).run_id;
  };
  const learnArgs = () => ['learn', '--run', evidenceRun, '--runs', ...baselines, '--fixtures', 'mock.json', '--json'];

  /** Starts a real `whaleflow learn`, kills it with SIGKILL once the point is reached; true when it was killed there. */
  const learnUntil = (point: KillPoint): Promise<{ killed: boolean; stderr: string }> =>
    new Promise((resolve, reject) => {
      const { command, args, env: extra } = whaleflowCommand(learnArgs());
      const child = spawn(command, args, { cwd: repository.root, env: { ...env, ...extra }, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      let killed = false;
      child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const watcher = new Database(database(), { readonly: true, fileMustExist: true });
      const start = point.measure(watcher);
      const poll = setInterval(() => {
        if (!killed && point.measure(watcher) > start) killed = child.kill('SIGKILL');
      }, 5);
      child.on('error', reject);
      child.on('exit', () => {
        clearInterval(poll);
        watcher.close();
        resolve({ killed, stderr });
      });
    });

  const assertIntact = (label: string): void => {
    const raw = new Database(database(), { readonly: true });
    try {
      expect(raw.pragma('integrity_check', { simple: true }), label).toBe('ok');
    } finally {
      raw.close();
    }
    const store = new LearningStore(openLearningDatabase(database()));
    try {
      for (const { lesson } of store.lessons.list()) {
        const history = store.lessons.history(lesson.id);
        expect(history[0]?.status, `${label}: ${lesson.title}`).toBe('proposed');
      }
      let previous: readonly string[] = [];
      for (const entry of store.overlay.log()) {
        if (entry.action === 'disable' || entry.action === 'enable') continue;
        previous = store.overlay.snapshot(entry.snapshotId).lessonIds;
      }
      const head = store.overlay.head();
      expect([...head.lessonIds].sort(), label).toEqual([...previous].sort());
      for (const id of head.lessonIds) {
        expect(store.lessons.status(id), label).toBe('promoted');
        expect(store.lessons.passedGate(id), label).toBeDefined();
      }
      for (const snapshot of store.overlay.snapshots()) {
        for (const id of snapshot.lessonIds) expect(store.lessons.get(id), label).toBeDefined();
      }
    } finally {
      store.close();
    }
  };

  beforeAll(async () => {
    const files: Record<string, string> = { 'check.mjs': CHECK_SCRIPT, 'whaleflow.config.yaml': LEARNING_CONFIG, 'mock.json': JSON.stringify(conventionScript(TASKS, EVIDENCE)), [`fix-${EVIDENCE}.yaml`]: evidenceWorkflow(EVIDENCE) };
    for (const name of [...TASKS, EVIDENCE]) {
      files[`src/${name}.ts`] = badModule(name);
      files[`task-${name}.yaml`] = taskWorkflow(name);
    }
    repository = tempGitRepository(files);
    env = { PATH: process.env.PATH, HOME: repository.root, XDG_CONFIG_HOME: join(repository.root, '.config'), WHALEFLOW_HOME: '' };
    for (const name of TASKS) baselines.push(await run(`task-${name}.yaml`));
    evidenceRun = await run(`fix-${EVIDENCE}.yaml`);
  });
  afterAll(() => repository.remove());

  it('leaves an intact database and a consistent overlay at every kill point, and the next learn finishes the work', async () => {
    const killedAt: string[] = [];
    for (const point of KILL_POINTS) {
      const outcome = await learnUntil(point);
      if (outcome.killed) killedAt.push(point.name);
      assertIntact(`killed ${point.name}`);
      // Start each kill point from an empty overlay, so "right after a promotion" can happen again.
      await cli('overlay', 'rollback', 'empty', '--reason', 'next kill point');
    }
    // Every point with work after it was reached and killed there. The promotion is the loop's
    // last write, so the process may exit before the watcher sees it: then it simply finished
    // (kill -9 mid-promotion is covered by learning-store-processes.test.ts).
    expect(killedAt.slice(0, 4), 'kill points reached').toEqual(KILL_POINTS.slice(0, 4).map((point) => point.name));

    const finished = await cli(...learnArgs());
    expect(finished.exitCode, finished.stderr).toBe(0);
    assertIntact('after a complete learn');
    const store = new LearningStore(openLearningDatabase(database()));
    try {
      const promoted = store.overlay.head().lessonIds.map((id) => store.lessons.get(id)!);
      expect(promoted.map((lesson) => lesson.kind)).toEqual(['note']);
    } finally {
      store.close();
    }
  }, 600_000);
});
