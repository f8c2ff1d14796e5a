// The trace writer's first import (see trace-writer-worker.ts), so it runs before the writer
// loads anything else: it says that this thread runs, so its heap exists (see
// TraceWriterThread.waitUntilRunning, and why a caller that tunes V8's flags waits for it).
import { workerData } from 'node:worker_threads';
import type { TraceWriterWorkerData } from './trace-writer-worker.js';

const running = new Int32Array((workerData as TraceWriterWorkerData).running);
Atomics.store(running, 0, 1);
Atomics.notify(running, 0);
