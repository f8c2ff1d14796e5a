import { Command } from 'commander';
import { resolveRunReference } from '../../runs/index.js';
import { exportRun, openProjectTrace, SecretRedactor } from '../../trace/index.js';
import type { CliContext } from '../cli-context.js';
import { databaseOption, outputFileOption, writeOutputFile } from '../options/index.js';
import { terminalSafeJson } from '../../util/index.js';

export function exportCommand(context: CliContext): Command {
  return new Command('export')
    .description('Export a run as one versioned JSON document (spec, events, leaves, decisions, usage) that `whaleflow replay --trace FILE` reads on any machine')
    .argument('<run>', 'run id, unique prefix of one, or "last"')
    .addOption(outputFileOption(context))
    .addOption(databaseOption(context))
    .addHelpText('after', '\nExamples:\n  $ whaleflow export last -o run.json\n  $ whaleflow replay --trace run.json')
    .action((reference: string, options: { output?: string; db?: string }) => {
      const store = openProjectTrace({ cwd: context.cwd, env: context.env, databasePath: options.db, mustExist: true });
      try {
        const run = resolveRunReference(store, reference);
        // Stored events are redacted already; the pass runs again for runs recorded before redaction was exact.
        const document = exportRun(store, run.runId, { redactor: new SecretRedactor(context.env) });
        const text = `${terminalSafeJson(document, 2)}\n`;
        if (options.output) {
          const path = writeOutputFile(context, options.output, text);
          context.stdout(`exported run ${run.runId} (${document.events.length} events) to ${path}\n`);
        } else {
          context.stdout(text);
        }
      } finally {
        store.close();
      }
    });
}
