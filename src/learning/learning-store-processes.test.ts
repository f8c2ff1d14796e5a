import Database from 'better-sqlite3';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LearningStore } from './learning-store.js';
import { openLearningDatabase } from './learning-database.js';
import { EMPTY_SNAPSHOT_ID } from './overlay-snapshot.js';
import { addGatedLesson, sampleNote } from './testing/sample-lessons.js';

const childScript = fileURLToPath(new URL('./testing/promote-in-loop.ts', import.meta.url));
const tsxLoader = pathToFileURL(join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist/loader.mjs')).href;

function startPromoter(databasePath: string, rounds: number, ids: readonly string[]): { child: ChildProcess; ready: Promise<void>; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', tsxLoader, childScript, databasePath, String(rounds), ...ids], { stdio: ['ignore', 'pipe', 'pipe'] });
  let errors = '';
  child.stderr!.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolve();
    });
    child.on('exit', () => reject(new Error(`the promoter exited before it was ready: ${errors}`)));
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, ready, exited };
}

/** The overlay's invariants: every log row's snapshot exists, each step adds or removes exactly one lesson, statuses agree with the head. */
function assertConsistent(path: string): void {
  const raw = new Database(path, { readonly: true });
  expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
  raw.close();
  const store = new LearningStore(openLearningDatabase(path));
  try {
    let previous: readonly string[] = [];
    for (const entry of store.overlay.log()) {
      const lessons = store.overlay.snapshot(entry.snapshotId).lessonIds;
      const added = lessons.filter((id) => !previous.includes(id));
      const removed = previous.filter((id) => !lessons.includes(id));
      expect(added.length + removed.length, `log row ${entry.seq} (${entry.action})`).toBe(1);
      expect(entry.action === 'promote' ? added : removed).toEqual([entry.lessonId]);
      previous = lessons;
    }
    const head = store.overlay.head();
    expect(head.lessonIds).toEqual([...previous].sort());
    for (const summary of store.lessons.list()) {
      expect(summary.status, summary.lesson.title).toBe(head.lessonIds.includes(summary.lesson.id) ? 'promoted' : 'reverted');
    }
  } finally {
    store.close();
  }
}

describe('the overlay under real concurrent and killed processes', () => {
  let directory: string;
  let path: string;
  let ids: string[];
  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'whaleflow-overlay-procs-'));
    path = join(directory, 'whaleflow.db');
    const store = new LearningStore(openLearningDatabase(path));
    ids = ['one', 'two', 'three', 'four'].map((text) => addGatedLesson(store, sampleNote(text)).id);
    // Every lesson starts reverted-equivalent: promoted once and taken out, so statuses mirror the head.
    for (const id of ids) {
      store.overlay.promote(id, ['setup']);
      store.overlay.revert(id, 'setup');
    }
    store.close();
  });
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  it('two processes promoting at once leave a consistent overlay holding both lessons', async () => {
    const first = startPromoter(path, 15, [ids[0]!, ids[1]!]);
    const second = startPromoter(path, 15, [ids[2]!, ids[3]!]);
    await Promise.all([first.ready, second.ready]);
    expect(await first.exited).toBe(0);
    expect(await second.exited).toBe(0);
    assertConsistent(path);
    const store = new LearningStore(openLearningDatabase(path));
    expect(store.overlay.head().lessonIds).toEqual([...ids].sort());
    // 2 setup rows per lesson; then promote, revert, promote in round 0 and, as the lesson is
    // already in the overlay from then on, revert and promote in each later round: nothing lost.
    expect(store.overlay.log()).toHaveLength(ids.length * 2 + ids.length * (3 + 14 * 2));
    store.close();
  });

  it('survives kill -9 at any point: the database is intact and the overlay consistent', async () => {
    for (const delayMs of [5, 30, 80, 150]) {
      const promoter = startPromoter(path, 200, ids);
      await promoter.ready;
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      promoter.child.kill('SIGKILL');
      await promoter.exited;
      assertConsistent(path);
    }
    const store = new LearningStore(openLearningDatabase(path));
    expect(store.overlay.log().length).toBeGreaterThan(ids.length * 2);
    expect(store.overlay.head().snapshotId === EMPTY_SNAPSHOT_ID || store.overlay.head().lessonIds.length > 0).toBe(true);
    store.close();
  });
});
