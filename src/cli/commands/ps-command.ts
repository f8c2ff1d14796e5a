import { Command, Option } from 'commander';
import { overviewRuns, renderRunList, type RunOverview } from '../../runs/index.js';
import { NoTraceDatabaseError, openProjectTrace } from '../../trace/index.js';
import type { CliContext } from '../cli-context.js';
import { databaseOption, millisecondsAtLeast, positiveInteger } from '../options/index.js';
import { terminalSafeJson } from '../../util/index.js';

interface PsOptions {
  json?: boolean;
  watch?: boolean;
  limit: number;
  interval: number;
  db?: string;
}

const CLEAR_SCREEN = '\x1b[2J\x1b[H';
/** Faster redraws only flicker and load the database. */
const MIN_INTERVAL_MS = 100;

/** `whaleflow ps` (alias `workflows`): every run from the trace store, grouped, newest first. Reads only; never calls a model. */
export function psCommand(context: CliContext): Command {
  return new Command('ps')
    .alias('workflows')
    .description('List runs (running, needing attention, done) with leaves, failures, elapsed time, tokens, cost, memo hits and the slowest leaf')
    .option('--json', 'print the run overviews as JSON')
    .option('--watch', 'redraw every second until Ctrl-C')
    .addOption(new Option('--limit <n>', 'show at most this many runs').argParser(positiveInteger).default(100))
    .addOption(new Option('--interval <ms>', `redraw interval for --watch (at least ${MIN_INTERVAL_MS})`).argParser(millisecondsAtLeast(MIN_INTERVAL_MS)).default(1000))
    .addOption(databaseOption(context))
    .addHelpText('after', '\nExamples:\n  $ whaleflow ps\n  $ whaleflow ps --watch\n  $ whaleflow workflows --json | jq .[0].status')
    .action(async (options: PsOptions) => {
      const limit = options.limit;
      if (!options.watch) {
        printOnce(context, options, readOverviews(context, options, limit));
        if (!options.json) context.stdout(await janitorLine(context, options));
        return;
      }
      await watchLoop(context, options, limit);
    });
}

function readOverviews(context: CliContext, options: PsOptions, limit: number): RunOverview[] {
  let store;
  try {
    store = openProjectTrace({ cwd: context.cwd, env: context.env, databasePath: options.db, mustExist: true });
  } catch (error) {
    // No database yet simply means no runs yet.
    if (error instanceof NoTraceDatabaseError) return [];
    throw error;
  }
  try {
    return overviewRuns(store, { now: Date.now(), limit });
  } finally {
    store.close();
  }
}

/**
 * The last janitor pass, so a run that went missing from the list is explained: one line
 * pointing at `janitor --history` and `inspect RUN` (which names the pass that deleted a run).
 */
async function janitorLine(context: CliContext, options: PsOptions): Promise<string> {
  let store;
  try {
    store = openProjectTrace({ cwd: context.cwd, env: context.env, databasePath: options.db, mustExist: true });
  } catch {
    return '';
  }
  try {
    // Loaded only when a database exists: ps stays light.
    const { describePass, JanitorRecords } = await import('../../janitor/index.js');
    const last = JanitorRecords.read(store.database).lastPass();
    if (!last) return '';
    const removed = (last.summary ?? []).filter((row) => row.count > 0 && (row.what.startsWith('runs ') || row.what.startsWith('memo '))).map((row) => `${row.what} ${row.count}`);
    return `\n${describePass(last)}${removed.length > 0 ? ` — ${removed.join(', ')}` : ''} (whaleflow janitor --history; inspect RUN says what it did to a run)\n`;
  } finally {
    store.close();
  }
}

function printOnce(context: CliContext, options: PsOptions, runs: readonly RunOverview[]): void {
  context.stdout(options.json ? `${terminalSafeJson(runs, 2)}\n` : renderRunList(runs));
}

/** A plain redraw loop: clear, print, wait; Ctrl-C ends it with exit code 0. */
async function watchLoop(context: CliContext, options: PsOptions, limit: number): Promise<void> {
  const intervalMs = options.interval;
  let stopped = false;
  let wake: () => void = () => undefined;
  const stop = (): void => {
    stopped = true;
    wake();
  };
  process.once('SIGINT', stop);
  try {
    while (!stopped) {
      const runs = readOverviews(context, options, limit);
      context.stdout(options.json ? `${terminalSafeJson(runs)}\n` : `${CLEAR_SCREEN}whaleflow ps — ${new Date().toLocaleTimeString()} (Ctrl-C to exit)\n\n${renderRunList(runs)}`);
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, intervalMs);
      });
    }
  } finally {
    process.removeListener('SIGINT', stop);
  }
}
