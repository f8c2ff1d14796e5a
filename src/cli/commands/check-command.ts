import { Command } from 'commander';
import { resolve } from 'node:path';
import { compileWorkflowFile } from '../../authoring/index.js';
import { escapeTerminalText, formatDiagnostic, InvalidInputError, type Diagnostic } from '../../util/index.js';
import type { CliContext } from '../cli-context.js';
import { addLaunchShapeOptions, launchShapeFrom } from '../options/index.js';
import { ExitCode } from '../exit-codes.js';

/**
 * Mock fixture files live beside the workflow they script (`review.yaml` and
 * `review.fixtures.yaml`), so a glob over a folder of workflows meets them: `check` validates
 * them as fixtures instead of failing them as workflows.
 */
const FIXTURE_FILE = /\.fixtures\.(ya?ml|json)$/;

export function checkCommand(context: CliContext): Command {
  return addLaunchShapeOptions(new Command('check')
    .description('Validate workflow files (and mock fixture files, named *.fixtures.yaml) and print every diagnostic as file:line:col: message')
    .argument('<files...>', 'workflow files; *.fixtures.yaml/.yml/.json files are checked as mock fixtures')
    .option('--quiet', 'print nothing for valid files')
    .addHelpText('after', '\nExamples:\n  $ whaleflow check workflows/*\n  $ whaleflow check workflows/*.star workflows/*.yaml\n\nExit status: 0 all valid, 1 some invalid, 2 usage error.'))
    .action(async (files: string[], options: { quiet?: boolean; maxAgents?: number; maxDepth?: number }) => {
      let invalid = 0;
      for (const file of files) {
        try {
          const isFixture = FIXTURE_FILE.test(file);
          const warnings = isFixture ? await checkFixture(resolve(context.cwd, file), file) : (await compileWorkflowFile(file, { ...launchShapeFrom(options), cwd: context.cwd })).warnings;
          for (const warning of warnings) context.stderr(`${escapeTerminalText(formatDiagnostic(warning))}\n`);
          if (!options.quiet) context.stdout(`${file}: ok${isFixture ? ' (mock fixture)' : ''}\n`);
        } catch (error) {
          if (!(error instanceof InvalidInputError)) throw error;
          invalid += 1;
          for (const diagnostic of error.diagnostics) context.stderr(`${escapeTerminalText(formatDiagnostic(diagnostic, diagnostic.message.startsWith(file) ? undefined : file))}\n`);
        }
      }
      context.exitCode = invalid > 0 ? ExitCode.failure : ExitCode.ok;
    });
}

/** Loads a fixture the way `run --fixtures` does (loaded only when a fixture file is named). */
async function checkFixture(path: string, shownAs: string): Promise<readonly Diagnostic[]> {
  const { loadMockFixture } = await import('../../leaves/mock/index.js');
  await loadMockFixture(path, shownAs);
  return [];
}
