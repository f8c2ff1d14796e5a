import { Command, Option } from 'commander';
import { buildRunReport, renderReport, resolveRunReference, type ReportFormat } from '../../runs/index.js';
import { openProjectTrace } from '../../trace/index.js';
import type { CliContext } from '../cli-context.js';
import { databaseOption, outputFileOption, writeOutputFile } from '../options/index.js';

export function reportCommand(context: CliContext): Command {
  return new Command('report')
    .description('Write a report of a recorded run: graph, per-leaf table with outcomes, outputs and errors, totals; --format html is one self-contained file (the graph laid out as inline SVG, no script, nothing fetched)')
    .argument('<run>', 'run id, unique prefix of one, or "last"')
    .addOption(new Option('--format <format>', 'report format').choices(['md', 'json', 'html']).default('md'))
    .addOption(outputFileOption(context))
    .addOption(databaseOption(context))
    .addHelpText('after', '\nExamples:\n  $ whaleflow report last\n  $ whaleflow report 3f2a --format html -o run.html')
    .action(async (reference: string, options: { format: ReportFormat; output?: string; db?: string }) => {
      const store = openProjectTrace({ cwd: context.cwd, env: context.env, databasePath: options.db, mustExist: true });
      try {
        const run = resolveRunReference(store, reference);
        const text = await renderReport(buildRunReport(store, run), options.format);
        if (options.output) {
          const path = writeOutputFile(context, options.output, text);
          context.stdout(`wrote ${path}\n`);
        } else {
          context.stdout(text);
        }
      } finally {
        store.close();
      }
    });
}
