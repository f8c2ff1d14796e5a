import { Command } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadConfig } from '../../config/index.js';
import { exportMemory, importMemory, LinearPattern, MEMORY_COMPONENT, MEMORY_MIGRATIONS, openProjectMemoryStore, readLines, searchLines, type SqliteMemoryStore, type StoredContext } from '../../memory/index.js';
import { projectTracePath } from '../../trace/index.js';
import { SecretRedactor, terminalSafeJson, UsageError } from '../../util/index.js';
import type { CliContext } from '../cli-context.js';
import { ExitCode } from '../exit-codes.js';
import { terminalSafeContext } from '../learn/terminal-safe-context.js';
import { databaseOption, existingFile, outputFileOption, positiveInteger, writeOutputFile } from '../options/index.js';
import { readProjectComponent } from './read-project-component.js';

interface StoreOptions {
  db?: string;
  json?: boolean;
}

/**
 * How a subcommand uses the store: `read` only reads (a read-only project database is read as
 * `ps` reads it), `write` changes an existing database, `create` may create the database.
 */
type StoreUse = 'read' | 'write' | 'create';

/** Opens this repository's memory store; without a project database there is nothing to show (and none is created). */
function withStore<T>(context: CliContext, options: StoreOptions, use: (store: SqliteMemoryStore) => T, how: StoreUse = 'read'): T | undefined {
  const databasePath = projectTracePath({ cwd: context.cwd, env: context.env, ...(options.db ? { databasePath: options.db } : {}) });
  if (how !== 'create' && !existsSync(databasePath)) {
    if (options.json) context.stdout('[]\n');
    else context.stdout(`no project database at ${databasePath}\n`);
    return undefined;
  }
  const location = { databasePath, cwd: context.cwd, config: { keepVersions: loadConfig({ cwd: context.cwd, env: context.env }).memory.keepVersions } };
  const useStore = (store: SqliteMemoryStore): T => {
    try {
      return use(store);
    } finally {
      store.close();
    }
  };
  if (how !== 'read') return useStore(openProjectMemoryStore(location));
  return readProjectComponent(context, databasePath, { name: MEMORY_COMPONENT, migrations: MEMORY_MIGRATIONS }, (database) => useStore(openProjectMemoryStore({ ...location, database })));
}

function requireContext(store: SqliteMemoryStore, name: string): StoredContext {
  const context = store.context(name);
  if (!context) throw new UsageError(`no memory context named "${name}" in this repository (whaleflow memory ls lists them)`);
  return context;
}

function describeContext(context: StoredContext): string {
  return `${context.name.padEnd(24)} ${String(context.lines).padStart(9)} lines ${String(context.bytes).padStart(11)} bytes  ${String(context.versions).padStart(2)} version${context.versions === 1 ? ' ' : 's'}${context.pinned ? '  pinned' : ''}  ${new Date(context.updatedAt).toISOString()}`;
}

/** `A-B` (1-based, inclusive) for --lines. */
function lineRange(value: string): { first: number; last: number } {
  const match = /^(\d+)-(\d+)$/.exec(value);
  if (!match || Number(match[1]) < 1 || Number(match[2]) < Number(match[1])) throw new UsageError(`--lines wants FIRST-LAST such as 1-40, not "${value}"`);
  return { first: Number(match[1]), last: Number(match[2]) };
}

export function memoryCommand(printing: CliContext): Command {
  // Contexts hold repository content and command output (a build log with colour codes, a file
  // a model wrote): untrusted text, printed with its control characters shown as escapes.
  const context = terminalSafeContext(printing);
  const memory = new Command('memory')
    .description("Inspect and manage external memory contexts in the project database (this repository's only)")
    .addHelpText(
      'after',
      '\nExamples:\n  $ whaleflow memory ls\n  $ whaleflow memory show build_log --lines 1-20\n  $ whaleflow memory search build_log "^\\S+ FAIL "\n  $ whaleflow memory export build_log --out build_log.memory.json\n  $ whaleflow memory import build_log.memory.json\n  $ whaleflow memory pin build_log\n  $ whaleflow memory clear build_log',
    );
  const dbOption = () => databaseOption(context);

  memory
    .command('ls')
    .description('List the contexts: lines, bytes, versions kept, pinned')
    .addOption(dbOption())
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExample:\n  $ whaleflow memory ls --json')
    .action((options: StoreOptions) => {
      withStore(context, options, (store) => {
        const contexts = store.list();
        if (options.json) context.stdout(`${terminalSafeJson(contexts, 2)}\n`);
        else context.stdout(contexts.length === 0 ? 'no memory contexts\n' : `${contexts.map(describeContext).join('\n')}\n`);
      });
      context.exitCode = ExitCode.ok;
    });

  memory
    .command('show')
    .description('Show a context: its versions (where each came from) and a range of its lines')
    .argument('<name>', 'context name')
    .addOption(dbOption())
    .option('--lines <first-last>', 'lines to print (default 1-10)', lineRange)
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExample:\n  $ whaleflow memory show build_log --lines 35340-35352')
    .action((name: string, options: StoreOptions & { lines?: { first: number; last: number } }) => {
      withStore(context, options, (store) => {
        const stored = requireContext(store, name);
        const range = options.lines ?? { first: 1, last: Math.min(10, stored.lines) };
        const version = { name, hash: stored.hash, bytes: stored.bytes, lines: stored.lines };
        const lines = range.first <= stored.lines ? readLines(store, version, range.first, Math.min(range.last, stored.lines)) : [];
        const versions = store.versions(name);
        if (options.json) {
          context.stdout(`${terminalSafeJson({ ...stored, history: versions, lines: { first: range.first, text: lines } }, 2)}\n`);
          return;
        }
        const history = versions.map(
          (entry) => `  ${entry.hash.slice(0, 12)}  ${entry.origin.padEnd(6)} ${String(entry.bytes).padStart(11)} bytes  ${new Date(entry.loadedAt).toISOString()}${entry.runId ? `  run ${entry.runId.slice(0, 8)} node ${entry.nodeId}` : ''}`,
        );
        const shown = lines.map((line, index) => `${String(range.first + index).padStart(8)}  ${line}`);
        context.stdout(`${describeContext(stored)}\nsha256 ${stored.hash}\nversions (newest first):\n${history.join('\n')}\n\n${shown.join('\n')}\n`);
      });
      context.exitCode = ExitCode.ok;
    });

  memory
    .command('search')
    .description('Lines of a context matching a regular expression (RE2 syntax, linear time)')
    .argument('<name>', 'context name')
    .argument('<regex>', 'pattern, matched within each line')
    .addOption(dbOption())
    .option('-i, --ignore-case', 'case-insensitive')
    .option('--max <n>', 'stop after this many matches (default 100)', positiveInteger)
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExample:\n  $ whaleflow memory search build_log "FAIL|ERROR" --max 20')
    .action((name: string, regex: string, options: StoreOptions & { ignoreCase?: boolean; max?: number }) => {
      withStore(context, options, (store) => {
        const stored = requireContext(store, name);
        const pattern = compilePattern(regex, options.ignoreCase === true);
        const limit = options.max ?? 100;
        const matches: { line: number; text: string }[] = [];
        for (const match of searchLines(store, stored.hash, pattern)) {
          matches.push(match);
          if (matches.length >= limit) break;
        }
        if (options.json) context.stdout(`${terminalSafeJson(matches, 2)}\n`);
        else context.stdout(matches.length === 0 ? '(no matches)\n' : `${matches.map((match) => `${match.line}: ${match.text}`).join('\n')}\n`);
      });
      context.exitCode = ExitCode.ok;
    });

  memory
    .command('clear')
    .description('Remove a context (or every unpinned one) and the texts nothing else refers to; recorded runs still replay')
    .argument('[name]', 'context name (default: every unpinned context)')
    .addOption(dbOption())
    .option('--force', 'also remove pinned contexts')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExample:\n  $ whaleflow memory clear build_log')
    .action((name: string | undefined, options: StoreOptions & { force?: boolean }) => {
      withStore(context, options, (store) => {
        if (name !== undefined) {
          const stored = requireContext(store, name);
          if (stored.pinned && !options.force) throw new UsageError(`"${name}" is pinned; unpin it (whaleflow memory pin ${name} --unpin) or pass --force`);
        }
        const outcome = store.clear(name, { force: options.force === true });
        if (options.json) context.stdout(`${terminalSafeJson(outcome)}\n`);
        else context.stdout(`cleared ${outcome.contexts} context${outcome.contexts === 1 ? '' : 's'} (${outcome.versions} versions), freed ${outcome.texts} texts, ${outcome.bytes} bytes\n`);
      }, 'write');
      context.exitCode = ExitCode.ok;
    });

  memory
    .command('export')
    .description('Write a context (or every context) with its text as a versioned JSON document')
    .argument('[name]', 'context name (default: every context)')
    .addOption(dbOption())
    .addOption(outputFileOption(context, '--out <file>'))
    .addHelpText('after', '\nExample:\n  $ whaleflow memory export build_log --out build_log.memory.json')
    .action((name: string | undefined, options: StoreOptions & { out?: string }) => {
      withStore(context, options, (store) => {
        const document = exportMemory(store, name, new SecretRedactor(context.env));
        const text = `${terminalSafeJson(document)}\n`;
        if (options.out) {
          writeOutputFile(context, options.out, text);
          context.stdout(`exported ${document.contexts.length} context${document.contexts.length === 1 ? '' : 's'} to ${options.out}\n`);
        } else {
          context.stdout(text);
        }
      });
      context.exitCode = ExitCode.ok;
    });

  memory
    .command('import')
    .description('Store the contexts of an exported document as new versions (checked against their sha256 first)')
    .argument('<file>', 'a document written by whaleflow memory export', existingFile(context.cwd))
    .addOption(dbOption())
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExample:\n  $ whaleflow memory import build_log.memory.json')
    .action((file: string, options: StoreOptions) => {
      const text = readFileSync(resolve(context.cwd, file), 'utf8');
      withStore(
        context,
        options,
        (store) => {
          const imported = importMemory(store, text, file, new SecretRedactor(context.env));
          if (options.json) context.stdout(`${terminalSafeJson(imported)}\n`);
          else context.stdout(`${imported.map((entry) => `imported ${entry.name}: ${entry.lines} lines, ${entry.bytes} bytes`).join('\n')}\n`);
        },
        'create',
      );
      context.exitCode = ExitCode.ok;
    });

  memory
    .command('pin')
    .description('Pin a context so clearing (and the janitor) keeps it; --unpin releases it')
    .argument('<name>', 'context name')
    .addOption(dbOption())
    .option('--unpin', 'release the pin')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExample:\n  $ whaleflow memory pin build_log')
    .action((name: string, options: StoreOptions & { unpin?: boolean }) => {
      withStore(context, options, (store) => {
        requireContext(store, name);
        store.pin(name, !options.unpin);
        if (options.json) context.stdout(`${terminalSafeJson({ name, pinned: !options.unpin })}\n`);
        else context.stdout(`${options.unpin ? 'unpinned' : 'pinned'} ${name}\n`);
      }, 'write');
      context.exitCode = ExitCode.ok;
    });

  return memory;
}

function compilePattern(regex: string, ignoreCase: boolean): LinearPattern {
  try {
    return new LinearPattern(regex, ignoreCase);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}
