import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { loadConfig } from '../../config/index.js';
import { DEFAULT_WORKER_CEILING, WORKER_WRITE_CEILINGS, WorkerCheckouts, type WorkerCeiling } from '../../queue/index.js';
import { escapeTerminalLine } from '../../util/index.js';
import { workerRunnerFactory } from '../../wiring/index.js';
import type { CliContext } from '../cli-context.js';
import { ExitCode } from '../exit-codes.js';
import { queueFromOptions } from '../options/queue-options.js';

interface WorkerOptions {
  queue?: string;
  queueName?: string;
  concurrency?: number;
  cachedRuns?: number;
  repo?: string;
  maxGrant: WorkerCeiling['write'] | 'read-only';
  allowNetwork?: boolean;
  commands: boolean;
  stallTimeout?: number;
  quiet?: boolean;
}

function positiveNumber(value: string): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) throw new InvalidArgumentError('expected a positive number');
  return parsed;
}

function positiveInteger(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new InvalidArgumentError('expected a positive whole number');
  return parsed;
}

/**
 * `whaleflow worker`: a process that runs leaf jobs from the queue until stopped. It holds no
 * authority of its own: each job carries its permissions and budget, and this process refuses
 * any job beyond the ceiling it was started with. Provider keys come from its own environment.
 */
export function workerCommand(context: CliContext): Command {
  return new Command('worker')
    .description("Run leaf jobs from a queue (BullMQ on Redis) for runs started with --queue; stops on Ctrl-C after its running leaves finish")
    .option('--queue <url>', "the Redis the runs use (redis://HOST:PORT); default: the configuration's queue: section")
    .option('--queue-name <name>', 'the BullMQ queue (default: queue.name, "leaves")')
    .addOption(new Option('--concurrency <n>', 'leaves run at once (default: queue.worker_concurrency, 4)').argParser(positiveInteger))
    .option('--repo <path>', "a clone of the runs' repository; leaves run in a checkout of each run's base commit (default: the current directory)")
    .addOption(new Option('--cached-runs <n>', 'runs kept set up at once (runtime, checkout); idle ones beyond are dropped (default: queue.worker_cached_runs, 8)').argParser(positiveInteger))
    .addOption(new Option('--max-grant <ceiling>', 'the most any job may do: read-only (no writes), worktree (writes in isolated worktrees) or tree').choices([...WORKER_WRITE_CEILINGS.filter((ceiling) => ceiling !== 'none'), 'read-only']).default('worktree'))
    .option('--allow-network', 'accept jobs whose leaves may use the network (default: refuse them)')
    .option('--no-commands', 'refuse jobs whose leaves run commands (tests, shell)')
    .addOption(new Option('--stall-timeout <secs>', 'how soon a job of a worker that died is handed to another (default: queue.stall_timeout_secs, 30)').argParser(positiveNumber))
    .option('--quiet', 'print nothing per job')
    .addHelpText(
      'after',
      '\nExamples:\n  $ whaleflow worker --queue redis://127.0.0.1:6379 --concurrency 8\n  $ whaleflow worker --queue redis://10.0.0.5:6379 --repo ~/src/project --max-grant read-only --no-commands\n\nOn Ctrl-C (or SIGTERM) the worker stops taking jobs and finishes the leaves it runs; a second Ctrl-C stops them.',
    )
    .action(async (options: WorkerOptions) => {
      context.exitCode = await runWorker(context, options);
    });
}

async function runWorker(context: CliContext, options: WorkerOptions): Promise<number> {
  const repository = resolve(context.cwd, options.repo ?? '.');
  const location = { cwd: repository, env: context.env };
  const queue = queueFromOptions(options, location);
  const ceiling: WorkerCeiling = {
    write: options.maxGrant === 'read-only' ? 'none' : options.maxGrant,
    network: options.allowNetwork ?? DEFAULT_WORKER_CEILING.network,
    commands: options.commands,
  };
  const { BullmqLeafWorker, parseRedisUrl } = await import('../../queue/bullmq/index.js');
  // The worker's own checkouts: removed when it stops (and by the next worker here if it is killed).
  const checkouts = await WorkerCheckouts.open(repository, randomBytes(3).toString('hex'));
  // A log line names the job's leaf (a planner model may have written its id): one safe line.
  const log = options.quiet ? undefined : (line: string) => context.stderr(`${escapeTerminalLine(line)}\n`);
  const worker = await BullmqLeafWorker.start({
    url: queue.url,
    queueName: queue.name,
    concurrency: options.concurrency ?? queue.workerConcurrency,
    ceiling,
    runnerFor: workerRunnerFactory({ repository, env: context.env, config: loadConfig(location), checkouts }),
    cachedRuns: options.cachedRuns ?? queue.workerCachedRuns,
    stallTimeoutMs: (options.stallTimeout ?? queue.stallTimeoutSecs) * 1000,
    keepFinishedSeconds: Math.round(queue.keepFinishedHours * 3600),
    ...(log ? { log } : {}),
  });
  const info = worker.info();
  context.stdout(
    `worker ${info.workerId} ready on ${parseRedisUrl(queue.url).display} (queue ${queue.name}): concurrency ${info.concurrency}, ` +
      `ceiling write=${ceiling.write} network=${ceiling.network ? 'yes' : 'no'} commands=${ceiling.commands ? 'yes' : 'no'}, repository ${repository}\n`,
  );
  await untilSignalled(context, worker);
  await checkouts.close();
  return ExitCode.ok;
}

/** First SIGINT/SIGTERM: stop taking jobs and let running leaves finish; a second: stop them too. */
function untilSignalled(context: CliContext, worker: { stop(options?: { cancelRunning?: boolean }): Promise<void>; info(): { running: readonly unknown[] } }): Promise<void> {
  return new Promise((resolvePromise) => {
    let signals = 0;
    const onSignal = (): void => {
      signals += 1;
      if (signals === 1) {
        const running = worker.info().running.length;
        context.stderr(`stopping: ${running} running ${running === 1 ? 'leaf' : 'leaves'} will finish first (Ctrl-C again to stop them)\n`);
        void worker.stop().then(done, done);
      } else {
        context.stderr('stopping the running leaves\n');
        void worker.stop({ cancelRunning: true }).then(done, done);
        setTimeout(() => process.exit(ExitCode.interrupted), 5_000).unref();
      }
    };
    const done = (): void => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      resolvePromise();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
