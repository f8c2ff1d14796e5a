import { Command } from 'commander';
import { requestRunCancel } from '../../runs/index.js';
import { openProjectTrace } from '../../trace/index.js';
import type { CliContext } from '../cli-context.js';
import { databaseOption } from '../options/index.js';

/**
 * `whaleflow cancel RUN [NODE]`: records a cancel request in the trace store from any
 * terminal; the run process picks it up within a poll (~300 ms). Never calls a model.
 */
export function cancelCommand(context: CliContext): Command {
  return new Command('cancel')
    .description('Stop a running run, or one branch or leaf of it (the run process picks the request up from the trace store)')
    .argument('<run>', 'run id, unique prefix of one, or "last"')
    .argument('[node]', 'a branch or leaf id: stop only that part of the run')
    .option('--json', 'print the outcome as JSON')
    .addOption(databaseOption(context))
    .addHelpText('after', '\nExamples:\n  $ whaleflow cancel last\n  $ whaleflow cancel 3f2a9c1b minimal-patch')
    .action((reference: string, nodeId: string | undefined, options: { json?: boolean; db?: string }) => {
      const store = openProjectTrace({ cwd: context.cwd, env: context.env, databasePath: options.db, mustExist: true });
      try {
        const outcome = requestRunCancel(store, reference, nodeId ?? null);
        if (options.json) {
          context.stdout(`${JSON.stringify(outcome)}\n`);
          return;
        }
        const target = outcome.nodeId ? `node ${outcome.nodeId} of run ${outcome.runId}` : `run ${outcome.runId}`;
        if (outcome.recorded) context.stdout(`cancel requested for ${target}; it stops within a second (watch with \`whaleflow ps\`)\n`);
        else if (outcome.finishedStatus === 'interrupted') context.stdout(`run ${outcome.runId} is interrupted (its process is gone); nothing to cancel — continue it with \`whaleflow resume ${outcome.runId.slice(0, 8)}\`\n`);
        else context.stdout(`run ${outcome.runId} already finished (${outcome.finishedStatus}); nothing to cancel\n`);
      } finally {
        store.close();
      }
    });
}
