import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../engine/contracts/index.js';
import { sha256Hex } from '../util/index.js';
import { SecretRedactor } from './redact-secrets.js';
import { SqliteTraceStore } from './sqlite-trace-store.js';
import { BLOB_REFERENCE_KEY } from './stored-event-codec.js';

const SECRET = 'sk-spec-blob-hash-0123456789';

function storeWith(redactor = new SecretRedactor({})): SqliteTraceStore {
  return new SqliteTraceStore(join(mkdtempSync(join(tmpdir(), 'whaleflow-spec-blob-')), 'whaleflow.db'), { redactor });
}

/** A run_started whose spec text is far above the blob threshold (set aside as a large string too). */
function started(spec: string, specHash: string): RunEvent {
  return { type: 'run_started', runId: 'r', at: 1, specHash, spec, engineVersion: 'v', label: 'l', mode: 'live', patches: [] } as unknown as RunEvent;
}

function bigSpec(extra = ''): string {
  return JSON.stringify({ id: 'wide', nodes: Array.from({ length: 2_000 }, (_, index) => ({ id: `leaf-${index}`, prompt: `do ${index} "quoted"` })), extra });
}

function specBlobHash(store: SqliteTraceStore): string {
  const payload = (store.database.prepare("SELECT payload FROM events WHERE type = 'run_started'").get() as { payload: string }).payload;
  return (JSON.parse(payload) as { spec: Record<string, string> }).spec[BLOB_REFERENCE_KEY]!;
}

describe("a run_started's spec blob", () => {
  it('is stored under the specHash the engine took over exactly that text, and reads back', () => {
    const store = storeWith();
    const spec = bigSpec();
    store.appendEvents([started(spec, sha256Hex(spec))]);
    expect(specBlobHash(store)).toBe(sha256Hex(spec));
    expect(store.events('r')[0]!.event).toMatchObject({ spec, specHash: sha256Hex(spec) });
    store.close();
  });

  it('takes the specHash as given, so a wrong one reads back as damaged, never as another text', () => {
    const store = storeWith();
    const spec = bigSpec();
    const wrong = sha256Hex('some other text');
    store.appendEvents([started(spec, wrong)]);
    expect(specBlobHash(store)).toBe(wrong);
    expect(() => store.events('r')).toThrow(/blob/i);
    store.close();
  });

  it('is hashed when its specHash names a stored blob of other bytes, and when it is stored already, is not stored twice', () => {
    const store = storeWith();
    const other = bigSpec('other');
    const taken = store.putBlob(other);
    const spec = bigSpec();
    store.appendEvents([started(spec, taken)]);
    expect(specBlobHash(store)).toBe(sha256Hex(spec));
    expect(store.events('r')[0]!.event).toMatchObject({ spec });
    const again = { ...started(spec, sha256Hex(spec)), runId: 'again' } as RunEvent;
    store.appendEvents([again]);
    expect(store.database.prepare('SELECT count(*) AS n FROM blobs').get()).toEqual({ n: 2 });
    expect(store.events('again')[0]!.event).toMatchObject({ spec });
    store.close();
  });

  it('is hashed when its specHash is no SHA-256 (events written by hand)', () => {
    const store = storeWith();
    const spec = bigSpec();
    store.appendEvents([started(spec, 'spec-hash')]);
    expect(specBlobHash(store)).toBe(sha256Hex(spec));
    store.close();
  });

  it('that redaction changed is stored under the hash of the redacted text', () => {
    const store = storeWith(new SecretRedactor({}, [SECRET]));
    const spec = bigSpec(SECRET);
    store.appendEvents([started(spec, sha256Hex(spec))]);
    const stored = store.events('r')[0]!.event as Extract<RunEvent, { type: 'run_started' }>;
    expect(stored.spec).not.toContain(SECRET);
    expect(specBlobHash(store)).toBe(sha256Hex(stored.spec));
    store.close();
  });
});
