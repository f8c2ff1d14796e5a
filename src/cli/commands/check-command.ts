import { Command } from 'commander';
import { compileWorkflowFile } from '../../authoring/index.js';
import { formatDiagnostic, InvalidInputError } from '../../util/index.js';
import type { CliContext } from '../cli-context.js';
import { addLaunchShapeOptions, launchShapeFrom } from '../options/launch-shape-options.js';
import { ExitCode } from '../exit-codes.js';

export function checkCommand(context: CliContext): Command {
  return addLaunchShapeOptions(new Command('check')
    .description('Validate workflow files and print every diagnostic as file:line:col: message')
    .argument('<files...>', 'workflow files')
    .option('--quiet', 'print nothing for valid files')
    .addHelpText('after', '\nExamples:\n  $ whaleflow check workflows/*.star workflows/*.yaml\n\nExit status: 0 all valid, 1 some invalid, 2 usage error.'))
    .action(async (files: string[], options: { quiet?: boolean; maxAgents?: number; maxDepth?: number }) => {
      let invalid = 0;
      for (const file of files) {
        try {
          const compiled = await compileWorkflowFile(file, launchShapeFrom(options));
          for (const warning of compiled.warnings) context.stderr(`${formatDiagnostic(warning)}\n`);
          if (!options.quiet) context.stdout(`${file}: ok\n`);
        } catch (error) {
          if (!(error instanceof InvalidInputError)) throw error;
          invalid += 1;
          for (const diagnostic of error.diagnostics) context.stderr(`${formatDiagnostic(diagnostic, file)}\n`);
        }
      }
      context.exitCode = invalid > 0 ? ExitCode.failure : ExitCode.ok;
    });
}
