import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openProjectRecorder } from './open-project-recorder.js';
import { openProjectTrace } from './open-project-trace.js';
import { fakeRunEvents } from './testing/index.js';

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
});
