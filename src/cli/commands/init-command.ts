import { Command } from 'commander';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectConfigFileName, starterConfigText } from '../../config/index.js';
import { UsageError } from '../../util/index.js';
import type { CliContext } from '../cli-context.js';
import { ExitCode } from '../exit-codes.js';

export function initCommand(context: CliContext): Command {
  return new Command('init')
    .description(`Write a starter ${projectConfigFileName} (mock provider by default, real providers commented)`)
    .addHelpText('after', '\nExamples:\n  $ whaleflow init\n  $ whaleflow init --force   # replace an existing file')
    .option('--force', 'overwrite an existing file')
    .action((options: { force?: boolean }) => {
      const path = join(context.cwd, projectConfigFileName);
      if (existsSync(path) && !options.force) {
        throw new UsageError(`${projectConfigFileName} already exists; use --force to overwrite it`);
      }
      writeFileSync(path, starterConfigText);
      context.stdout(`wrote ${path}\nnext: whaleflow providers  (shows where each role routes)\n`);
      context.exitCode = ExitCode.ok;
    });
}
