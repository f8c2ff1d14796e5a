import { Command } from 'commander';
import type { CliContext } from '../cli-context.js';
import { queueFromOptions } from '../options/queue-options.js';
import type { WorkerInfo } from '../../queue/bullmq/index.js';
import { escapeTerminalLine, terminalSafeJson } from '../../util/index.js';

interface WorkersOptions {
  queue?: string;
  queueName?: string;
  json?: boolean;
}

/** `whaleflow workers`: the live workers of a queue — where they run, how many leaves, which ones. */
export function workersCommand(context: CliContext): Command {
  return new Command('workers')
    .description('List the live workers of a queue: host, pid, concurrency, ceiling and the leaves each runs now')
    .option('--queue <url>', "the Redis the workers use (redis://HOST:PORT); default: the configuration's queue: section")
    .option('--queue-name <name>', 'the BullMQ queue (default: queue.name, "leaves")')
    .option('--json', 'print the workers as JSON')
    .addHelpText('after', '\nExamples:\n  $ whaleflow workers --queue redis://127.0.0.1:6379\n  $ whaleflow workers --json')
    .action(async (options: WorkersOptions) => {
      const queue = queueFromOptions(options, { cwd: context.cwd, env: context.env });
      const { listWorkers, openRedis, parseRedisUrl, queueKeys } = await import('../../queue/bullmq/index.js');
      const address = parseRedisUrl(queue.url);
      const redis = await openRedis(address, 5_000, 'workers-list');
      try {
        const now = Date.now();
        const workers = await listWorkers(redis, queueKeys(queue.name), now);
        if (options.json) context.stdout(`${terminalSafeJson(workers, 2)}\n`);
        else context.stdout(renderWorkers(workers, now, `${address.display} (queue ${queue.name})`));
      } finally {
        redis.disconnect();
      }
    });
}

function renderWorkers(workers: readonly WorkerInfo[], now: number, where: string): string {
  if (workers.length === 0) return `no live workers on ${where}; start one with: whaleflow worker --queue URL\n`;
  const header = ['WORKER', 'HOST', 'PID', 'CONCURRENCY', 'RUNNING', 'DONE', 'CEILING', 'UP'];
  const rows = workers.map((worker) => [
    // Read from Redis, which anyone with its address can write: shown as one safe line each.
    escapeTerminalLine(worker.workerId),
    escapeTerminalLine(worker.host),
    String(worker.pid),
    String(worker.concurrency),
    String(worker.running.length),
    String(worker.finished),
    `write=${worker.ceiling.write}${worker.ceiling.network ? ' network' : ''}${worker.ceiling.commands ? ' commands' : ''}`,
    duration(now - worker.startedAt),
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]?.length ?? 0)));
  const line = (cells: readonly string[]) => cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd();
  const out = [`${workers.length} live worker${workers.length === 1 ? '' : 's'} on ${where}`, line(header)];
  workers.forEach((worker, index) => {
    out.push(line(rows[index] ?? []));
    for (const leaf of worker.running) out.push(`    ${escapeTerminalLine(leaf.leafId)} (run ${escapeTerminalLine(leaf.runId.slice(0, 8))}) ${duration(now - leaf.startedAt)}`);
  });
  return `${out.join('\n')}\n`;
}

function duration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(seconds / 3600)}h${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')}m`;
}
