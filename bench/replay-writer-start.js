// Where a wide replay waits for its trace writer: the 10,000-leaf run of `npm run bench trace`,
// replayed with its writer thread started before the recorded run is read (as `whaleflow replay`
// does for a run this wide) and after it, alternating. Prints, per replay, the wall time, the time
// the replay's thread spent blocked on the writer (backpressure) and waiting for it at close.
//
//   node --expose-gc bench/replay-writer-start.js [pairs]      (default 4)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { executeWorkflow, systemEnvironment } from '../dist/engine/index.js';
import { MockLeafRunner, MockModelGateway } from '../dist/leaves/mock/index.js';
import { SqliteTraceStore, WorkerTraceSink } from '../dist/trace/index.js';
import { readRecordedRun, replayRun } from '../dist/runs/index.js';
import { fanOutWorkflow } from './engine.bench.js';

const pairs = Number(process.argv[2] ?? 4);
const directory = mkdtempSync(join(tmpdir(), 'whaleflow-replay-writer-'));
const path = join(directory, 'whaleflow.db');
const environment = systemEnvironment();
const recording = new WorkerTraceSink(path);
await executeWorkflow({ spec: fanOutWorkflow(100, 100), runId: 'recorded', sink: recording, environment, leafRunner: new MockLeafRunner(environment), gateway: new MockModelGateway(environment), validated: true });
await recording.close();

// Timed from outside: the sink's own backpressure wait (a private method of the compiled class).
let blocked = 0;
const waitForWriter = WorkerTraceSink.prototype.waitForWriter;
WorkerTraceSink.prototype.waitForWriter = function timedWait() {
  const start = performance.now();
  waitForWriter.call(this);
  blocked += performance.now() - start;
};

const store = new SqliteTraceStore(path);
const figures = { before: [], after: [] };
for (let pair = 0; pair < pairs; pair += 1) {
  for (const start of pair % 2 ? ['before', 'after'] : ['after', 'before']) {
    blocked = 0;
    const begin = performance.now();
    let sink = start === 'before' ? new WorkerTraceSink(path) : undefined;
    const recorded = readRecordedRun(store, 'recorded');
    sink ??= new WorkerTraceSink(path);
    const outcome = await replayRun({ recorded, runId: `replay-${start}-${pair}`, sink, trustedSpec: true });
    const closing = performance.now();
    await sink.close();
    const end = performance.now();
    if (!outcome.parity.identical) throw new Error(`replay diverged: ${JSON.stringify(outcome.parity)}`);
    figures[start].push({ wallMs: Math.round(end - begin), blockedMs: Math.round(blocked), closeMs: Math.round(end - closing) });
  }
}
store.close();
rmSync(directory, { recursive: true, force: true });
for (const [start, runs] of Object.entries(figures)) console.log(`writer started ${start} the read: ${runs.map((run) => `${run.wallMs} ms (blocked ${run.blockedMs}, close ${run.closeMs})`).join('; ')}`);
