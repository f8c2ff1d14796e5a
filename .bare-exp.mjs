// bare BullMQ pipeline: N jobs, window W in flight, K worker processes, latency L
import { Queue, QueueEvents, Worker } from 'bullmq';
import { fork } from 'node:child_process';
const [mode, url, ...rest] = process.argv.slice(2);
const [host, port] = url.split(':');
const connection = { host, port: Number(port), maxRetriesPerRequest: null };
if (mode === 'worker') {
  const [conc, lat] = rest.map(Number);
  const w = new Worker('q', async (job) => { if (lat) await new Promise(r => setTimeout(r, lat)); return { ok: job.data.i }; }, { connection, concurrency: conc, prefix: 'wf', removeOnComplete: { age: 600 } });
  await w.waitUntilReady(); process.send('ready');
} else {
  const [N, W, K, L, dbi] = rest.map(Number);
  const queue = new Queue('q', { connection, prefix: 'wf' });
  const events = new QueueEvents('q', { connection, prefix: 'wf' });
  await events.waitUntilReady();
  const kids = await Promise.all(Array.from({ length: K }, () => new Promise(res => { const c = fork(new URL(import.meta.url).pathname, ['worker', url, String(Math.ceil(W / K)), String(L)]); c.on('message', () => res(c)); })));
  const waiting = new Map();
  events.on('completed', ({ jobId }) => { const r = waiting.get(jobId); if (r) { waiting.delete(jobId); r(); } });
  const t0 = performance.now(); let next = 0; const tag = Math.random().toString(36).slice(2);
  async function lane() { while (next < N) { const i = next++; const id = `${tag}-${i}`; const p = new Promise(r => waiting.set(id, r)); await queue.add('j', { i }, { jobId: id, removeOnComplete: { age: 600 } }); await p; } }
  await Promise.all(Array.from({ length: W }, lane));
  const ms = performance.now() - t0;
  console.log(JSON.stringify({ N, W, K, L, ms: Math.round(ms), perLeafUs: Math.round(ms * 1000 / N) }));
  for (const c of kids) c.kill(); await queue.close(); await events.close(); process.exit(0);
}
