import { Command } from 'commander';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { resolveRunReference } from '../../runs/index.js';
import { exportRun, openProjectTrace, SecretRedactor } from '../../trace/index.js';
import type { CliContext } from '../cli-context.js';

export function exportCommand(context: CliContext): Command {
  return new Command('export')
    .description('Export a run as one versioned JSON document (spec, events, leaves, decisions, usage) that `whaleflow replay --trace FILE` reads on any machine')
    .argument('<run>', 'run id, unique prefix of one, or "last"')
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .option('--no-redact', 'skip the export-time redaction pass (secrets were already redacted when stored)')
    .option('--db <file>', 'trace database (default: .whaleflow/whaleflow.db, or $WHALEFLOW_HOME)')
    .addHelpText('after', '\nExamples:\n  $ whaleflow export last -o run.json\n  $ whaleflow replay --trace run.json')
    .action((reference: string, options: { output?: string; redact: boolean; db?: string }) => {
      const store = openProjectTrace({ cwd: context.cwd, env: context.env, databasePath: options.db, mustExist: true });
      try {
        const run = resolveRunReference(store, reference);
        const document = exportRun(store, run.runId, { redactor: options.redact ? new SecretRedactor(context.env) : null });
        const text = `${JSON.stringify(document, null, 2)}\n`;
        if (options.output) {
          const path = resolve(context.cwd, options.output);
          writeFileSync(path, text);
          context.stdout(`exported run ${run.runId} (${document.events.length} events) to ${path}\n`);
        } else {
          context.stdout(text);
        }
      } finally {
        store.close();
      }
    });
}
