import { afterEach, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../util/index.js';
import { REDACTED } from '../redact-secrets.js';
import type { TraceStore } from '../trace-store.js';
import { fakeRunEvents } from './fake-run-events.js';

/**
 * The behaviour every TraceStore must have. Run it once per implementation:
 * `describeTraceStoreConformance('sqlite', () => new SqliteTraceStore(path))`.
 * `factory` receives an environment so a store's redactor can be told about secrets.
 */
export function describeTraceStoreConformance(name: string, factory: (env: NodeJS.ProcessEnv) => TraceStore): void {
  describe(`TraceStore conformance: ${name}`, () => {
    const opened: TraceStore[] = [];
    const open = (env: NodeJS.ProcessEnv = {}): TraceStore => {
      const store = factory(env);
      opened.push(store);
      return store;
    };
    afterEach(() => {
      for (const store of opened.splice(0)) store.close();
    });

    it('reads back exactly the events appended, in order, with contiguous sequence numbers', () => {
      const store = open();
      const events = fakeRunEvents({ runId: 'run-a' });
      store.appendEvents(events.slice(0, 4));
      store.appendEvents(events.slice(4));
      const stored = store.events('run-a');
      expect(stored.map((entry) => entry.event)).toEqual(events);
      expect(stored.map((entry) => entry.seq)).toEqual(events.map((_, index) => index));
      expect(store.events('run-a', 5).map((entry) => entry.seq)[0]).toBe(5);
      expect(store.events('no-such-run')).toEqual([]);
      const effects = store.events('run-a', 0, ['effect_requested', 'effect_completed']);
      expect(effects.map((entry) => entry.event.type)).toEqual(events.filter((event) => event.type.startsWith('effect_')).map((event) => event.type));
      expect(effects.map((entry) => entry.seq)).toEqual(events.flatMap((event, index) => (event.type.startsWith('effect_') ? [index] : [])));
    });

    it('streams the same events page by page, by type, from a sequence number and by node', () => {
      const store = open();
      // Over two pages of the SQLite store (2,048 rows), interleaved with another run.
      const events = fakeRunEvents({ runId: 'big', leafCount: 1_000 });
      store.appendEvents(events);
      store.appendEvents(fakeRunEvents({ runId: 'other', leafCount: 2 }));
      const all = store.events('big');
      expect([...store.eventStream('big')]).toEqual(all);
      expect([...store.eventStream('big', { fromSeq: 2_500 })]).toEqual(store.events('big', 2_500));
      const types = ['effect_completed', 'node_finished'] as const;
      expect([...store.eventStream('big', { types })]).toEqual(store.events('big', 0, types));
      const leaf = all.filter((entry) => 'nodeId' in entry.event ? entry.event.nodeId === 'leaf-700' : 'scope' in entry.event && entry.event.scope.nodeId === 'leaf-700');
      expect(leaf.map((entry) => entry.event.type)).toEqual(['node_started', 'effect_requested', 'activity', 'effect_completed', 'node_finished']);
      expect([...store.eventStream('big', { nodeId: 'leaf-700' })]).toEqual(leaf);
      expect([...store.eventStream('big', { nodeId: 'leaf-700', types: ['node_finished'] })]).toEqual(leaf.slice(-1));
      expect(store.nodeRuns('big', 'leaf-700')).toEqual(store.nodeRuns('big').filter((node) => node.nodeId === 'leaf-700'));
      expect(store.leafRuns('big', 'leaf-700')).toEqual(store.leafRuns('big').filter((node) => node.nodeId === 'leaf-700'));
      expect([...store.eventStream('no-such-run')]).toEqual([]);
    });

    it('keeps interleaved runs apart', () => {
      const store = open();
      const first = fakeRunEvents({ runId: 'run-1', startAt: 100 });
      const second = fakeRunEvents({ runId: 'run-2', startAt: 200 });
      const mixed = first.flatMap((event, index) => (second[index] ? [event, second[index]!] : [event]));
      store.appendEvents(mixed);
      expect(store.events('run-1').map((entry) => entry.event)).toEqual(first);
      expect(store.events('run-2').map((entry) => entry.event)).toEqual(second);
    });

    it('lists runs newest first with their status; an unfinished run is running', () => {
      const store = open();
      store.appendEvents(fakeRunEvents({ runId: 'old', startAt: 100 }));
      store.appendEvents(fakeRunEvents({ runId: 'new', startAt: 500, unfinished: true, mode: 'resume', parentRunId: 'old' }));
      const runs = store.listRuns();
      expect(runs.map((run) => run.runId)).toEqual(['new', 'old']);
      expect(runs[0]).toMatchObject({ status: 'running', finishedAt: null, mode: 'resume', parentRunId: 'old' });
      expect(runs[1]).toMatchObject({ status: 'succeeded', mode: 'live', parentRunId: null, label: 'fake old' });
      expect(runs[1]!.eventCount).toBe(store.events('old').length);
      expect(store.listRuns({ limit: 1 }).map((run) => run.runId)).toEqual(['new']);
      expect(store.getRun('old')?.specHash).toBe('spec-hash');
      expect(store.getRun('missing')).toBeUndefined();
    });

    it('stores blobs by content hash, once', () => {
      const store = open();
      const hash = store.putBlob('hello blob');
      expect(hash).toBe(sha256Hex('hello blob'));
      expect(store.putBlob('hello blob')).toBe(hash);
      expect(store.getBlob(hash)?.toString('utf8')).toBe('hello blob');
      expect(store.putBlob(new Uint8Array([1, 2, 3]))).toBe(sha256Hex(new Uint8Array([1, 2, 3])));
      expect(store.getBlob('0'.repeat(64))).toBeUndefined();
    });

    it('moves large outputs to blobs and restores them on read', () => {
      const store = open();
      const big = 'x'.repeat(50_000);
      const events = fakeRunEvents({ runId: 'big', leafCount: 2, outputOf: (index) => (index === 0 ? big : 'small') });
      store.appendEvents(events);
      expect(store.events('big').map((entry) => entry.event)).toEqual(events);
      expect(store.getBlob(sha256Hex(big))?.length).toBe(50_000);
      const size = store.runSize('big');
      expect(size.blobBytes).toBe(50_000);
      // The output appears in two events but is stored once.
      expect(size.eventBytes).toBeLessThan(20_000);
      expect(size.totalBytes).toBe(size.eventBytes + size.blobBytes);
    });

    it('never stores a known secret (raw, JSON-escaped or in a blob) and keeps text that merely looks like one', () => {
      const quoted = 'pa"ss\\word-with-quote';
      const store = open({ MY_SERVICE_TOKEN: 'tok-1234567890-abcdef', DB_PASSWORD: quoted, PATH: '/usr/bin:/bin' });
      const transcript = JSON.stringify([{ role: 'tool', content: `the password is ${quoted}` }]);
      const events = fakeRunEvents({
        runId: 'secret',
        leafCount: 5,
        outputOf: (index) =>
          [
            `token is tok-1234567890-abcdef here`,
            `key sk-ant-abcdefghijklmnopqrstuvwxyz0123`,
            'plain /usr/bin:/bin',
            `quoted ${quoted} and nested ${transcript}`,
            `${'x'.repeat(10_000)} tok-1234567890-abcdef`,
          ][index]!,
      });
      store.appendEvents(events);
      const outputs = store.leafRuns('secret').map((leaf) => leaf.output);
      expect(outputs.slice(0, 3)).toEqual([`token is ${REDACTED} here`, 'key sk-ant-abcdefghijklmnopqrstuvwxyz0123', 'plain /usr/bin:/bin']);
      expect(outputs[3]).toBe(`quoted ${REDACTED} and nested ${JSON.stringify([{ role: 'tool', content: `the password is ${REDACTED}` }])}`);
      expect(outputs[4]).toBe(`${'x'.repeat(10_000)} ${REDACTED}`);
      const everything = JSON.stringify(store.events('secret'));
      expect(everything).not.toContain('tok-1234567890-abcdef');
      expect(everything).not.toContain('ss\\\\word-with');
      // Effect keys and token counts are not secrets.
      expect(store.leafRuns('secret').map((leaf) => leaf.inputHash)).toEqual(['key-0', 'key-1', 'key-2', 'key-3', 'key-4']);
      expect(store.leafRuns('secret')[0]!.usage?.input_tokens).toBe(10);
    });

    it('folds node and leaf views', () => {
      const store = open();
      store.appendEvents(fakeRunEvents({ runId: 'views', leafCount: 2 }));
      const nodes = store.nodeRuns('views');
      expect(nodes.map((node) => [node.nodeId, node.kind, node.parentId, node.status])).toEqual([
        ['fan', 'branch_set', null, 'succeeded'],
        ['leaf-0', 'leaf', 'fan', 'succeeded'],
        ['leaf-1', 'leaf', 'fan', 'succeeded'],
      ]);
      const leaves = store.leafRuns('views');
      expect(leaves.map((leaf) => [leaf.nodeId, leaf.inputHash, leaf.effectSource, leaf.output])).toEqual([
        ['leaf-0', 'key-0', 'live', 'answer 0'],
        ['leaf-1', 'key-1', 'live', 'answer 1'],
      ]);
    });

    it('queues cancel requests per run and reads only newer ones', () => {
      const store = open();
      store.requestCancel('run-x', null, { type: 'user', message: 'stop' }, 10);
      store.requestCancel('run-y', 'leaf-1', { type: 'shutdown' }, 11);
      store.requestCancel('run-x', 'leaf-2', { type: 'user' }, 12);
      const all = store.readCancelRequests('run-x');
      expect(all.map((request) => [request.nodeId, request.reason.type, request.requestedAt])).toEqual([
        [null, 'user', 10],
        ['leaf-2', 'user', 12],
      ]);
      expect(store.readCancelRequests('run-x', all[0]!.id).map((request) => request.nodeId)).toEqual(['leaf-2']);
    });

    it('deletes a run with its own blobs but keeps blobs another run shares', () => {
      const store = open();
      const shared = 's'.repeat(20_000);
      const own = 'o'.repeat(20_000);
      store.appendEvents(fakeRunEvents({ runId: 'keep', leafCount: 1, outputOf: () => shared }));
      store.appendEvents(fakeRunEvents({ runId: 'drop', leafCount: 2, outputOf: (index) => (index === 0 ? shared : own) }));
      store.deleteRun('drop');
      expect(store.events('drop')).toEqual([]);
      expect(store.getRun('drop')).toBeUndefined();
      expect(store.runSize('drop').totalBytes).toBe(0);
      expect(store.getBlob(sha256Hex(own))).toBeUndefined();
      expect(store.getBlob(sha256Hex(shared))).toBeDefined();
      expect(store.events('keep').length).toBeGreaterThan(0);
      // A new run under the deleted id starts over at seq 0.
      store.appendEvents(fakeRunEvents({ runId: 'drop', leafCount: 1 }).slice(0, 1));
      expect(store.events('drop').map((entry) => entry.seq)).toEqual([0]);
    });

    it('compacts a run without changing what replay reads', () => {
      const store = open();
      const events = fakeRunEvents({ runId: 'compact', leafCount: 4, outputOf: (index) => `output ${index} `.repeat(100) });
      store.appendEvents(events);
      const report = store.compactRun('compact');
      expect(report.removedEvents).toBe(4);
      expect(report.movedToBlobs).toBeGreaterThan(0);
      const after = store.events('compact').map((entry) => entry.event);
      expect(after).toEqual(events.filter((event) => event.type !== 'activity'));
      expect(store.runSize('compact').eventBytes).toBeLessThan(report.bytesBefore);
      expect(store.leafRuns('compact').map((leaf) => leaf.output)).toEqual(events.flatMap((event) => (event.type === 'node_finished' && event.kind === 'leaf' ? [event.output] : [])));
    });
  });
}
