import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REDACTED } from './redact-secrets.js';
import { SqliteTraceStore } from './sqlite-trace-store.js';
import { fakeRunEvents } from './testing/index.js';
import { WorkerTraceSink } from './worker-trace-sink.js';

describe('WorkerTraceSink', () => {
  it('writes every event on its worker thread, redacted, and close() waits for them', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'whaleflow-worker-')), 'whaleflow.db');
    new SqliteTraceStore(path).close();
    const sink = new WorkerTraceSink(path, { env: { DEPLOY_TOKEN: 'very-secret-token-value' } });
    const events = fakeRunEvents({ runId: 'w', leafCount: 30, outputOf: (index) => (index === 3 ? 'leaked very-secret-token-value' : `out ${index}`) });
    for (const event of events) sink.emit(event);
    await sink.close();
    expect(sink.error).toBeUndefined();
    const store = new SqliteTraceStore(path);
    const stored = store.events('w').map((entry) => entry.event);
    expect(stored).toHaveLength(events.length);
    expect(store.leafRuns('w')[3]!.output).toBe(`leaked ${REDACTED}`);
    expect(stored.filter((event) => event.type !== 'effect_completed' && event.type !== 'node_finished')).toEqual(
      events.filter((event) => event.type !== 'effect_completed' && event.type !== 'node_finished'),
    );
    store.close();
  });

  it('drain() resolves once emitted events are readable by another connection', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'whaleflow-worker-')), 'whaleflow.db');
    const reader = new SqliteTraceStore(path);
    const sink = new WorkerTraceSink(path, { env: {} });
    const events = fakeRunEvents({ runId: 'd', leafCount: 2, unfinished: true });
    for (const event of events) sink.emit(event);
    await sink.drain();
    expect(reader.events('d')).toHaveLength(events.length);
    await sink.close();
    reader.close();
  });
});
