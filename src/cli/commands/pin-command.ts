import { Command } from 'commander';
import { JanitorRecords } from '../../janitor/index.js';
import { resolveRunReference } from '../../runs/index.js';
import { openProjectTrace } from '../../trace/index.js';
import { terminalSafeJson } from '../../util/index.js';
import type { CliContext } from '../cli-context.js';
import { ExitCode } from '../exit-codes.js';
import { databaseOption, nonEmptyText } from '../options/index.js';

interface PinOptions {
  unpin?: boolean;
  list?: boolean;
  note?: string;
  json?: boolean;
  db?: string;
}

export function pinCommand(context: CliContext): Command {
  return new Command('pin')
    .description('Keep a run whole: the janitor never compacts or deletes a pinned run (or the runs it resumed)')
    .argument('[run]', 'run id, unique prefix of one, or "last"')
    .option('--unpin', 'release the pin')
    .option('--list', 'list pinned runs')
    .option('--note <text>', 'why it is pinned (shown by --list)', nonEmptyText)
    .option('--json', 'print JSON')
    .addOption(databaseOption(context))
    .addHelpText('after', '\nExamples:\n  $ whaleflow pin last --note "baseline for the memo change"\n  $ whaleflow pin 3f2a --unpin\n  $ whaleflow pin --list')
    .action((reference: string | undefined, options: PinOptions) => {
      const trace = openProjectTrace({ cwd: context.cwd, env: context.env, databasePath: options.db, mustExist: true });
      try {
        if (options.list || reference === undefined) {
          const pins = JanitorRecords.read(trace.database).pins();
          if (options.json) context.stdout(`${terminalSafeJson(pins, 2)}\n`);
          else if (pins.length === 0) context.stdout('no pinned runs\n');
          else for (const pin of pins) context.stdout(`${pin.runId}  pinned ${new Date(pin.pinnedAt).toISOString()}${pin.note ? `  ${pin.note}` : ''}\n`);
          context.exitCode = ExitCode.ok;
          return;
        }
        trace.assertWritable();
        const run = resolveRunReference(trace, reference);
        const records = JanitorRecords.open(trace.database);
        const changed = options.unpin ? records.unpin(run.runId) : records.pin(run.runId, Date.now(), options.note ?? null);
        const state = options.unpin ? (changed ? 'unpinned' : 'was not pinned') : changed ? 'pinned' : 'already pinned';
        if (options.json) context.stdout(`${terminalSafeJson({ run_id: run.runId, pinned: !options.unpin, changed })}\n`);
        else context.stdout(`run ${run.runId} ${state}\n`);
        context.exitCode = ExitCode.ok;
      } finally {
        trace.close();
      }
    });
}
