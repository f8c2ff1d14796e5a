import { Command } from 'commander';
import { existsSync } from 'node:fs';
import { describePass, formatBytes, JanitorRecords, readDatabaseFacts } from '../../janitor/index.js';
import { readMemoStorage, SqliteMemoStore } from '../../memo/index.js';
import { openProjectTrace, projectTracePath, type SqliteTraceStore } from '../../trace/index.js';
import type { CliContext } from '../cli-context.js';
import { ExitCode } from '../exit-codes.js';
import { databaseOption, outputFileOption, writeOutputFile } from '../options/index.js';
import { SecretRedactor, terminalSafeJson } from '../../util/index.js';

interface DatabaseOption {
  db?: string;
}

/** The file runs memoize into: the project trace database (found as the trace commands find it). */
function databasePath(context: CliContext, options: DatabaseOption): string {
  return projectTracePath({ cwd: context.cwd, env: context.env, ...(options.db ? { databasePath: options.db } : {}) });
}

/** Opens the store only when the database exists, so inspecting never creates one. */
function withStore<T>(context: CliContext, options: DatabaseOption, use: (store: SqliteMemoStore, path: string, trace: SqliteTraceStore) => T): T | undefined {
  const path = databasePath(context, options);
  if (!existsSync(path)) {
    context.stdout(`no project database at ${path}\n`);
    return undefined;
  }
  // Through the trace's opener: a damaged file gets a clear error, a read-only directory is read.
  const trace = openProjectTrace({ cwd: context.cwd, env: context.env, databasePath: path, mustExist: true });
  try {
    const store = new SqliteMemoStore(trace.database, { redactor: new SecretRedactor(context.env) });
    try {
      return use(store, path, trace);
    } finally {
      store.close();
    }
  } finally {
    trace.close();
  }
}

/** `--db <path>` of the memo subcommands (a directory is refused). */
function memoDatabaseOption(context: CliContext) {
  return databaseOption(context, 'database file (default .whaleflow/whaleflow.db, or under $WHALEFLOW_HOME)', '--db <path>');
}

export function memoCommand(context: CliContext): Command {
  const memo = new Command('memo')
    .description('Inspect or clear the ARMH memo in the project database')
    .addHelpText('after', '\nExamples:\n  $ whaleflow memo stats\n  $ whaleflow memo export > memo.jsonl\n  $ whaleflow memo clear');

  memo
    .command('stats')
    .description('Entries, tokens, bytes, stale entries and hits held by the memo; the database size and the last janitor pass')
    .addOption(memoDatabaseOption(context))
    .option('--json', 'print JSON')
    .action((options: DatabaseOption & { json?: boolean }) => {
      withStore(context, options, (store, path, trace) => {
        const stats = store.stats();
        const storage = readMemoStorage(trace.database);
        const facts = readDatabaseFacts(trace.database, path);
        const lastPass = JanitorRecords.read(trace.database).lastPass();
        if (options.json) {
          const database = { file_bytes: facts.fileBytes, wal_bytes: facts.walBytes, used_bytes: facts.usedBytes, free_bytes: facts.freeBytes };
          context.stdout(`${terminalSafeJson({ database: path, ...stats, bytes: storage.bytes, stale: storage.stale, hits: storage.hits, database_size: database, last_janitor_pass: lastPass ?? null })}\n`);
        } else {
          context.stdout(`${path}\n  entries        ${stats.entries} (${storage.stale} stale)\n  bytes          ${formatBytes(storage.bytes)}\n  hits           ${storage.hits}\n  input tokens   ${stats.storedInputTokens}\n  output tokens  ${stats.storedOutputTokens}\n`);
          context.stdout(`  database       ${formatBytes(facts.fileBytes)} on disk, ${formatBytes(facts.freeBytes)} free, WAL ${formatBytes(facts.walBytes)}\n`);
          context.stdout(`  janitor        ${lastPass ? describePass(lastPass) : 'no pass applied yet (whaleflow janitor)'}\n`);
        }
      });
      context.exitCode = ExitCode.ok;
    });

  memo
    .command('clear')
    .description('Remove every memo entry (other data in the database is kept)')
    .addOption(memoDatabaseOption(context))
    .action((options: DatabaseOption) => {
      withStore(context, options, (store) => context.stdout(`cleared ${store.clear()} memo entries\n`));
      context.exitCode = ExitCode.ok;
    });

  memo
    .command('export')
    .description('Write every memo entry as JSON lines')
    .addOption(memoDatabaseOption(context))
    .addOption(outputFileOption(context, '--out <file>'))
    .action((options: DatabaseOption & { out?: string }) => {
      // Entries are stored redacted; the export redacts again for entries stored before that was exact.
      const redactor = new SecretRedactor(context.env);
      withStore(context, options, (store) => {
        const lines = [...store.entries()].map((entry) => terminalSafeJson(redactor.redact(entry)));
        const text = lines.length > 0 ? `${lines.join('\n')}\n` : '';
        if (options.out) {
          writeOutputFile(context, options.out, text);
          context.stdout(`exported ${lines.length} memo entries to ${options.out}\n`);
        } else {
          context.stdout(text);
        }
      });
      context.exitCode = ExitCode.ok;
    });
  return memo;
}
