// `whaleflow worker` of the build QUEUE_TIMELINE_BUILD that records a timeline of its timed batches
// (batch taken with the slots it held then, leaf started and ended, its wait started, outcomes
// flushed, BullMQ's fetches) into QUEUE_TIMELINE_OUT-<pid>.jsonl when it exits. Times are
// process.hrtime (CLOCK_MONOTONIC: one clock for every process on the machine, so they line up
// with the coordinator's). Started by `queue-pair.js --timeline DIR` as
// `node queue-timeline-worker.js worker --queue …`; warm-up batches (lineage "…-warm-…") are not kept.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const build = process.env.QUEUE_TIMELINE_BUILD;
const outFile = `${process.env.QUEUE_TIMELINE_OUT}-${process.pid}.jsonl`;
const load = (path) => import(pathToFileURL(join(build, path)).href);
const now = () => Number(process.hrtime.bigint()) / 1e6;
const events = [];
let recording = false;
// The last few events before the first timed batch (the fetch that took it).
let recent = [];
const record = (event) => {
  if (recording) return events.push({ ...event, t: now() });
  recent.push({ ...event, t: now() });
  if (recent.length > 40) recent = recent.slice(-20);
};

/** Records `name` before each call of `prototype[name]` (and `${name}-done` after, for `around`). */
function wrap(prototype, name, describe, around = false) {
  const original = prototype[name];
  prototype[name] = around
    ? async function (...args) {
        record({ e: `${name}-call` });
        try {
          return await original.apply(this, args);
        } finally {
          record({ e: `${name}-done` });
        }
      }
    : function (...args) {
        record(describe.call(this, ...args));
        return original.apply(this, args);
      };
}

const { BullmqLeafWorker } = await load('dist/queue/bullmq/bullmq-leaf-worker.js');
const takeBatch = BullmqLeafWorker.prototype.process;
BullmqLeafWorker.prototype.process = function (job, ...rest) {
  const timed = !String(job.data?.lineage).includes('warm');
  if (timed && !recording) events.push(...recent.splice(0));
  recording = timed;
  record({ e: 'picked', batch: job.data?.batchId, n: job.data?.members?.length, held: this.held, conc: this.options.concurrency });
  return takeBatch.call(this, job, ...rest);
};
const runJob = BullmqLeafWorker.prototype.runJob;
BullmqLeafWorker.prototype.runJob = async function (leafJob, ...rest) {
  record({ e: 'start', job: leafJob.jobId });
  try {
    return await runJob.call(this, leafJob, ...rest);
  } finally {
    record({ e: 'end', job: leafJob.jobId });
  }
};
const { RunChannelWriter } = await load('dist/queue/bullmq/run-channel-writer.js');
wrap(RunChannelWriter.prototype, 'flush', function () {
  return { e: 'flush', records: [...this.records.values()].reduce((sum, pending) => sum + pending.entries.length, 0) };
});
const { LeafStopSwitch } = await load('dist/queue/leaf-stop-switch.js');
wrap(LeafStopSwitch.prototype, 'sleep', () => ({ e: 'sleep' }));
const { Worker } = createRequire(join(build, 'package.json'))('bullmq');
for (const name of ['moveToActive', 'waitForJob']) wrap(Worker.prototype, name, undefined, true);
process.on('exit', () => writeFileSync(outFile, events.map((event) => JSON.stringify(event)).join('\n')));
const { main } = await load('dist/cli/main.js');
process.exitCode = await main(process.argv.slice(2));
