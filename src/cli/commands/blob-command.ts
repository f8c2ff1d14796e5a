import { Command } from 'commander';
import { BlobNotFoundError, openProjectTrace } from '../../trace/index.js';
import { escapeTerminalText, UsageError } from '../../util/index.js';
import type { CliContext } from '../cli-context.js';
import { databaseOption } from '../options/index.js';

export function blobCommand(context: CliContext): Command {
  return new Command('blob')
    .description('Print a stored blob (a large output, transcript or diff) by its SHA-256 hash')
    .addHelpText('after', '\nExamples:\n  $ whaleflow inspect last minimal-patch   # shows the output\'s blob hash\n  $ whaleflow blob sha256:3b1f…')
    .argument('<hash>', 'the hash `whaleflow inspect` shows (hex, optionally prefixed with "sha256:")')
    .addOption(databaseOption(context))
    .action((hash: string, options: { db?: string }) => {
      const store = openProjectTrace({ cwd: context.cwd, env: context.env, databasePath: options.db, mustExist: true });
      try {
        const bare = hash.replace(/^sha256:/, '').toLowerCase();
        if (!/^[0-9a-f]{64}$/.test(bare)) throw new UsageError(`"${hash}" is not a SHA-256 hash (64 hex digits, optionally prefixed with "sha256:"; \`whaleflow inspect RUN NODE\` shows them)`);
        const content = store.getBlob(bare);
        if (!content) throw new BlobNotFoundError(bare);
        // Piped or redirected, the bytes as stored; on a terminal, run text is escaped like everywhere else.
        const text = content.toString('utf8');
        context.stdout(context.isTty ? escapeTerminalText(text) : text);
      } finally {
        store.close();
      }
    });
}
