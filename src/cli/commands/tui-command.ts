import { Command } from 'commander';
import { resolveRunReference } from '../../runs/index.js';
import { openProjectTrace } from '../../trace/index.js';
import { UsageError } from '../../util/index.js';
import type { CliContext } from '../cli-context.js';
import { learningStoreLessonSource } from '../learn/tui-lesson-source.js';
import { databaseOption } from '../options/index.js';

/**
 * `whaleflow tui [RUN]`: the live run list and run detail. Ink and React load only here
 * (a dynamic import), so other commands don't pay for them.
 */
export function tuiCommand(context: CliContext): Command {
  return new Command('tui')
    .description('Watch runs live: run list, workflow tree, leaf drill-down; cancel, replay, report and export from the keyboard')
    .argument('[run]', 'open this run (id, prefix or "last") instead of the list')
    .addOption(databaseOption(context))
    .addHelpText('after', '\nExamples:\n  $ whaleflow tui\n  $ whaleflow tui last\n\nKeys: ↑↓/jk move · Enter open · Esc/← back · x cancel (y/n) · r replay · R report · e export · L lessons (p promote, v revert, y/n) · / filter · q quit')
    .action(async (reference: string | undefined, options: { db?: string }) => {
      // Ink needs raw keyboard input and a screen to draw on; without them it fails deep inside React.
      if (!context.isTty || !process.stdin.isTTY) {
        throw new UsageError('the TUI needs an interactive terminal (stdin and stdout a TTY); in a script or a pipe use `whaleflow ps` (or `ps --watch`, `ps --json`)');
      }
      const store = openProjectTrace({ cwd: context.cwd, env: context.env, databasePath: options.db, mustExist: true });
      try {
        const runId = reference ? resolveRunReference(store, reference).runId : undefined;
        // React chooses its build when first loaded; the development build is several times slower per frame.
        process.env.NODE_ENV ??= 'production';
        // Ink decides when first loaded that a CI environment (CI=true) is not interactive and then
        // draws only the last frame. The TUI runs on a terminal, where live frames are the point.
        if (process.stdout.isTTY) {
          delete process.env.CI;
          delete process.env.CONTINUOUS_INTEGRATION;
        }
        const { startTui } = await import('../../tui/start-tui.js');
        const lessons = learningStoreLessonSource({ cwd: context.cwd, env: context.env, ...(options.db ? { databasePath: options.db } : {}) });
        const { storageLine } = await import('../../janitor/index.js');
        // Sizes and the last janitor pass for the footer; a read that fails shows nothing rather than stopping the TUI.
        const storage = (): string | undefined => {
          try {
            return storageLine(store.database, store.path, Date.now());
          } catch {
            return undefined;
          }
        };
        await startTui({ store, cwd: context.cwd, env: context.env, entryScript: process.argv[1], runId, lessons, storage });
      } finally {
        store.close();
      }
    });
}
