import Database from 'better-sqlite3';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, symlinkSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openProjectRecorder, writerMayOpenAlone } from './open-project-recorder.js';
import { openProjectTrace } from './open-project-trace.js';
import { fakeRunEvents } from './testing/index.js';
import { TraceSchemaTooNewError } from './trace-errors.js';
import { TRACE_SCHEMA_VERSION } from './trace-migrations.js';

/** A project whose trace holds one recorded run, every connection closed (no WAL left). */
async function recordedProject(): Promise<{ readonly cwd: string; readonly path: string }> {
  const cwd = mkdtempSync(join(tmpdir(), 'whaleflow-recorder-'));
  const recorder = openProjectRecorder({ cwd, env: {} });
  for (const event of fakeRunEvents({ runId: 'first' })) recorder.sink.emit(event);
  await recorder.close();
  expect(recorder.error).toBeUndefined();
  return { cwd, path: recorder.databasePath };
}

describe('openProjectRecorder', () => {
  for (const inline of [false, true]) {
    it(`records a run into the project database (${inline ? 'inline' : 'worker thread'})`, async () => {
      const cwd = mkdtempSync(join(tmpdir(), 'whaleflow-recorder-'));
      const recorder = openProjectRecorder({ cwd, env: {}, inline });
      expect(recorder.databasePath).toBe(join(cwd, '.whaleflow', 'whaleflow.db'));
      const events = fakeRunEvents({ runId: 'rec' });
      for (const event of events) recorder.sink.emit(event);
      await recorder.close();
      expect(recorder.error).toBeUndefined();
      // Every connection it opened is closed (the last one checkpointed the WAL into the file and
      // removed it): a caller's own copy of SQLite, whose locks do not see ours, may open it now.
      expect(existsSync(`${recorder.databasePath}-wal`)).toBe(false);
      const store = openProjectTrace({ cwd, env: {}, mustExist: true });
      expect(store.events('rec').map((entry) => entry.event)).toEqual(events);
      expect(store.getRun('rec')?.status).toBe('succeeded');
      store.close();
    });

    it(`says when every event is committed, before its close has ended or after (${inline ? 'inline' : 'worker thread'})`, async () => {
      const cwd = mkdtempSync(join(tmpdir(), 'whaleflow-recorder-'));
      const recorder = openProjectRecorder({ cwd, env: {}, inline });
      const events = fakeRunEvents({ runId: 'early' });
      for (const event of events) recorder.sink.emit(event);
      const closed = recorder.close();
      await recorder.committed();
      // Readable by another connection while the recorder's own may still be closing.
      const store = openProjectTrace({ cwd, env: {}, mustExist: true });
      expect(store.events('early').map((entry) => entry.event)).toEqual(events);
      store.close();
      await closed;
      await recorder.committed();
      expect(recorder.error).toBeUndefined();
      expect(existsSync(`${recorder.databasePath}-wal`)).toBe(false);
    });
  }

  it('lets the writer open a new database, or one at this schema with no WAL, alone; anything else is opened here', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'whaleflow-recorder-'));
    expect(writerMayOpenAlone(join(directory, 'new.db'))).toBe(true);
    expect(writerMayOpenAlone(':memory:')).toBe(false);
    expect(writerMayOpenAlone(join(directory, 'no-such-directory', 'new.db'))).toBe(false);
    const { path } = await recordedProject();
    expect(writerMayOpenAlone(path)).toBe(true);
    writeFileSync(`${path}-wal`, '');
    expect(writerMayOpenAlone(path)).toBe(false); // another connection may hold it open
    const older = join(directory, 'older.db');
    const raw = new Database(older);
    raw.pragma(`user_version = ${TRACE_SCHEMA_VERSION - 1}`);
    raw.close();
    expect(writerMayOpenAlone(older)).toBe(false); // migrated here
    writeFileSync(join(directory, 'notes.db'), 'these are my notes, not a database\n');
    expect(writerMayOpenAlone(join(directory, 'notes.db'))).toBe(false);
    // A link to a database whose WAL (beside the target, where SQLite looks) may hold a newer schema.
    const linked = await recordedProject();
    symlinkSync(linked.path, join(directory, 'link.db'));
    writeFileSync(`${linked.path}-wal`, '');
    expect(writerMayOpenAlone(join(directory, 'link.db'))).toBe(false);
    symlinkSync(join(directory, 'nowhere.db'), join(directory, 'dangling.db'));
    expect(writerMayOpenAlone(join(directory, 'dangling.db'))).toBe(false);
  });

  it('still refuses a database from a newer WhaleFlow before the run starts', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'whaleflow-recorder-'));
    mkdirSync(join(cwd, '.whaleflow'));
    const raw = new Database(join(cwd, '.whaleflow', 'whaleflow.db'));
    raw.pragma(`user_version = ${TRACE_SCHEMA_VERSION + 1}`);
    raw.close();
    expect(() => openProjectRecorder({ cwd, env: {} })).toThrow(TraceSchemaTooNewError);
  });

  it('records a second run into a database the writer opened alone', async () => {
    const { cwd, path } = await recordedProject();
    expect(writerMayOpenAlone(path)).toBe(true);
    const recorder = openProjectRecorder({ cwd, env: {} });
    const events = fakeRunEvents({ runId: 'second' });
    for (const event of events) recorder.sink.emit(event);
    await recorder.close();
    expect(recorder.error).toBeUndefined();
    const store = openProjectTrace({ cwd, env: {}, mustExist: true });
    expect(store.events('second').map((entry) => entry.event)).toEqual(events);
    expect(store.getRun('first')?.status).toBe('succeeded');
    store.close();
  });

  it('with openOnCallerThread, has the database made and migrated when it returns', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'whaleflow-recorder-'));
    const recorder = openProjectRecorder({ cwd, env: {}, openOnCallerThread: true });
    const raw = new Database(recorder.databasePath, { readonly: true, fileMustExist: true });
    expect(raw.pragma('user_version', { simple: true })).toBe(TRACE_SCHEMA_VERSION);
    raw.close();
    await recorder.close();
    expect(recorder.error).toBeUndefined();
  });

  it('reports a database the writer cannot open as a write failure, not a throw', async () => {
    const { cwd, path } = await recordedProject();
    // Page 1 past its header (SQLite's schema) turned to garbage (the recorder's close left no WAL): the header alone looks sound.
    const descriptor = openSync(path, 'r+');
    writeSync(descriptor, Buffer.alloc(4_000, 0xa5), 0, 4_000, 100);
    closeSync(descriptor);
    expect(writerMayOpenAlone(path)).toBe(true);
    const recorder = openProjectRecorder({ cwd, env: {} });
    for (const event of fakeRunEvents({ runId: 'lost' })) recorder.sink.emit(event);
    await recorder.close();
    expect(recorder.error).toBeDefined();
    expect(recorder.failed.aborted).toBe(true);
    expect(recorder.startRecorded).toBe(false);
  });
});

