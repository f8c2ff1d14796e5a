// The worker thread behind WorkerTraceSink: owns one SQLite connection and appends each batch
// it receives in one transaction, then acknowledges it. Redaction and encoding happen here,
// off the engine's thread.
import { parentPort, workerData } from 'node:worker_threads';
import { SecretRedactor } from './redact-secrets.js';
import { SqliteTraceStore } from './sqlite-trace-store.js';
import type { SerializedEvent } from './stored-event-codec.js';

export interface TraceWriterWorkerData {
  readonly databasePath: string;
  /** The secret-named variables of the caller's environment, for redaction. */
  readonly secretEnv: Readonly<Record<string, string>>;
  readonly blobThresholdBytes?: number;
}

export type TraceWriterRequest = { readonly type: 'batch'; readonly id: number; readonly rows: readonly SerializedEvent[] } | { readonly type: 'close' };
export type TraceWriterReply =
  | { readonly type: 'written'; readonly id: number }
  | { readonly type: 'failed'; readonly id: number; readonly message: string }
  | { readonly type: 'closed' };

const data = workerData as TraceWriterWorkerData;
const store = new SqliteTraceStore(data.databasePath, {
  redactor: new SecretRedactor(data.secretEnv),
  ...(data.blobThresholdBytes !== undefined ? { blobThresholdBytes: data.blobThresholdBytes } : {}),
});

parentPort!.on('message', (request: TraceWriterRequest) => {
  if (request.type === 'close') {
    store.close();
    parentPort!.postMessage({ type: 'closed' } satisfies TraceWriterReply);
    return;
  }
  try {
    store.appendSerialized(request.rows);
    parentPort!.postMessage({ type: 'written', id: request.id } satisfies TraceWriterReply);
  } catch (error) {
    parentPort!.postMessage({ type: 'failed', id: request.id, message: error instanceof Error ? error.message : String(error) } satisfies TraceWriterReply);
  }
});
