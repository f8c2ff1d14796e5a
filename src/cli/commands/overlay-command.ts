import { Command } from 'commander';
import { loadConfig } from '../../config/index.js';
import {
  authorityContextOf,
  commandsDeclaredInProject,
  exportOverlay,
  importOverlay,
  LEARNING_COMPONENT,
  LEARNING_MIGRATIONS,
  LearningStore,
  openLearningStore,
  overlayStats,
  readRepositoryState,
  shortLessonId,
  shortSnapshotId,
  type OverlayHead,
  type OverlayStats,
} from '../../learning/index.js';
import { openProjectTrace } from '../../trace/index.js';
import type { CliContext } from '../cli-context.js';
import { terminalSafeContext } from '../learn/terminal-safe-context.js';
import { terminalSafeJson } from '../../util/index.js';
import { ExitCode } from '../exit-codes.js';
import { writeOutputFile } from '../options/index.js';
import { formatLesson } from '../learn/format-learning.js';
import { readProjectComponent } from './read-project-component.js';

interface DbOptions {
  db?: string;
  json?: boolean;
}

const dbOption = ['--db <file>', 'project database (default: .whaleflow/whaleflow.db, or $WHALEFLOW_HOME)'] as const;

export function overlayCommand(outerContext: CliContext): Command {
  const context = terminalSafeContext(outerContext);
  const overlay = new Command('overlay')
    .description("The repository's cached-main overlay of promoted lessons: inspect, revert, roll back, share (never touches git)")
    .addHelpText('after', '\nExamples:\n  $ whaleflow overlay ls\n  $ whaleflow overlay revert 1a2b3c\n  $ whaleflow overlay rollback 9f8e7d\n  $ whaleflow overlay export --out overlay.json\n  $ whaleflow overlay stats');

  sub(overlay, 'ls', 'The lessons in the overlay now (its head snapshot)', '$ whaleflow overlay ls --json').action((options: DbOptions) =>
    readStore(context, options, (store) => {
      const head = store.overlay.head();
      const lessons = head.lessonIds.flatMap((id) => store.lessons.get(id) ?? []);
      if (options.json) return print(context, { ...head, lessons });
      context.stdout(`${describeHead(head)}\n${lessons.map((lesson) => `  ${shortLessonId(lesson.id)}  ${lesson.kind.padEnd(22)} ${lesson.title}`).join('\n') || '  (no lessons)'}\n`);
    }),
  );

  sub(overlay, 'show', 'A snapshot (default: the head) with every lesson in full', '$ whaleflow overlay show\n  $ whaleflow overlay show 9f8e7d')
    .argument('[snapshot]', 'snapshot id or unique prefix ("empty" for the empty overlay)')
    .action((reference: string | undefined, options: DbOptions) =>
      readStore(context, options, (store) => {
        const snapshot = reference ? store.overlay.resolveSnapshot(reference) : store.overlay.snapshot(store.overlay.head().snapshotId);
        const lessons = snapshot.lessonIds.flatMap((id) => store.lessons.get(id) ?? []);
        if (options.json) return print(context, { snapshot, lessons });
        context.stdout(`snapshot ${snapshot.id} (${lessons.length} lesson(s))\n\n${lessons.map((lesson) => formatLesson(lesson, { status: store.lessons.status(lesson.id) ?? 'unknown' })).join('\n')}`);
      }),
    );

  sub(overlay, 'diff', 'Lessons added and removed between two snapshots (default: the previous head and the head)', '$ whaleflow overlay diff\n  $ whaleflow overlay diff 9f8e7d 1c2d3e')
    .argument('[from]', 'snapshot to compare from')
    .argument('[to]', 'snapshot to compare to (default: the head)')
    .action((from: string | undefined, to: string | undefined, options: DbOptions) =>
      readStore(context, options, (store) => {
        const log = store.overlay.log();
        const target = to ? store.overlay.resolveSnapshot(to) : store.overlay.snapshot(store.overlay.head().snapshotId);
        const source = from ? store.overlay.resolveSnapshot(from) : store.overlay.snapshot(log.at(-1)?.previousSnapshotId ?? target.id);
        const added = target.lessonIds.filter((id) => !source.lessonIds.includes(id));
        const removed = source.lessonIds.filter((id) => !target.lessonIds.includes(id));
        if (options.json) return print(context, { from: source.id, to: target.id, added, removed });
        const line = (sign: string, id: string): string => `${sign} ${shortLessonId(id)}  ${store.lessons.get(id)?.title ?? ''}`;
        context.stdout(`${shortSnapshotId(source.id)} → ${shortSnapshotId(target.id)}\n${[...added.map((id) => line('+', id)), ...removed.map((id) => line('-', id))].join('\n') || '(no change)'}\n`);
      }),
    );

  sub(overlay, 'log', 'Every change of the overlay: promotions, reverts, rollbacks, imports, pauses', '$ whaleflow overlay log').action((options: DbOptions) =>
    readStore(context, options, (store) => {
      const log = store.overlay.log();
      if (options.json) return print(context, log);
      context.stdout(
        `${log.map((entry) => `${new Date(entry.at).toISOString()}  ${entry.action.padEnd(8)} ${shortSnapshotId(entry.previousSnapshotId)} → ${shortSnapshotId(entry.snapshotId)}${entry.enabled ? '' : ' (disabled)'}${entry.lessonId ? `  ${shortLessonId(entry.lessonId)}` : ''}  ${entry.reason}`).join('\n') || 'no overlay changes yet'}\n`,
      );
    }),
  );

  sub(overlay, 'revert', 'Take a lesson out of the overlay (a new snapshot; the next run applies the rest)', '$ whaleflow overlay revert 1a2b3c')
    .argument('<lesson>', 'lesson id or unique prefix')
    .option('--reason <text>', 'why (kept in the log)', 'reverted by the user')
    .action((reference: string, options: DbOptions & { reason: string }) =>
      withStore(context, options, (store) => {
        const lesson = store.lessons.resolve(reference);
        const head = store.overlay.revert(lesson.id, options.reason);
        if (options.json) return print(context, head);
        context.stdout(`reverted ${shortLessonId(lesson.id)} (${lesson.title})\n${describeHead(head)}\n`);
      }),
    );

  sub(overlay, 'rollback', 'Make an earlier snapshot the overlay again', '$ whaleflow overlay rollback 9f8e7d\n  $ whaleflow overlay rollback empty')
    .argument('<snapshot>', 'snapshot id or unique prefix, or "empty"')
    .option('--reason <text>', 'why (kept in the log)', 'rolled back by the user')
    .action((reference: string, options: DbOptions & { reason: string }) =>
      withStore(context, options, (store) => {
        const head = store.overlay.rollback(reference, options.reason);
        if (options.json) return print(context, head);
        context.stdout(`rolled back\n${describeHead(head)}\n`);
      }),
    );

  for (const [name, enabled] of [['disable', false], ['enable', true]] as const) {
    sub(overlay, name, enabled ? 'Apply the overlay to runs again' : 'Stop applying the overlay to runs (its lessons are kept; runs record that it was off)', `$ whaleflow overlay ${name}`).action((options: DbOptions) =>
      withStore(context, options, (store) => {
        const head = store.overlay.setEnabled(enabled, `${name}d by the user`);
        if (options.json) return print(context, head);
        context.stdout(`${describeHead(head)}\n`);
      }),
    );
  }

  sub(overlay, 'export', 'Write the overlay (its lessons, with their provenance) as JSON', '$ whaleflow overlay export --out overlay.json')
    .option('--out <file>', 'write to a file instead of stdout')
    .action(async (options: DbOptions & { out?: string }) => {
      const repository = await readRepositoryState(context.cwd);
      readStore(context, options, (store) => {
        const document = exportOverlay(store, repository.identity);
        const text = `${terminalSafeJson(document, 2)}\n`;
        if (!options.out) return context.stdout(text);
        writeOutputFile(context, options.out, text);
        context.stdout(`exported ${document.lessons.length} lesson(s) of snapshot ${shortSnapshotId(document.snapshotId)} to ${options.out}\n`);
      });
    });

  sub(overlay, 'import', 'Read an overlay export of this repository; refuses (all of it) any lesson that asks for authority', '$ whaleflow overlay import overlay.json')
    .argument('<file>', 'a file written by `whaleflow overlay export`')
    .option('--propose-only', 'add the lessons as proposed (for `whaleflow learn gate`) instead of admitting them')
    .action(async (file: string, options: DbOptions & { proposeOnly?: boolean }) => {
      const repository = await readRepositoryState(context.cwd);
      const config = loadConfig({ cwd: context.cwd, env: context.env });
      const trace = openProjectTrace({ cwd: context.cwd, env: context.env, databasePath: options.db });
      let declared: Set<string>;
      try {
        declared = commandsDeclaredInProject(trace);
      } finally {
        trace.close();
      }
      withStore(context, options, (store) => {
        const outcome = importOverlay(store, { path: file, cwd: context.cwd }, authorityContextOf(config, repository.identity, declared), options.proposeOnly ? { proposeOnly: true } : {});
        if (options.json) return print(context, outcome);
        context.stdout(`imported ${outcome.imported.length} lesson(s)${outcome.alreadyKnown.length > 0 ? `, ${outcome.alreadyKnown.length} already known` : ''}\n${describeHead(outcome.head)}\n`);
      });
    });

  sub(overlay, 'stats', 'A/B telemetry: runs of each workflow with and without the overlay, and each lesson\'s effect', '$ whaleflow overlay stats --json')
    .option('--limit <n>', 'recent runs to read', '1000')
    .action((options: DbOptions & { limit: string }) => {
      const trace = openProjectTrace({ cwd: context.cwd, env: context.env, databasePath: options.db, mustExist: true });
      try {
        const stats = overlayStats(trace, { limit: Math.max(1, Number.parseInt(options.limit, 10) || 1000) });
        context.stdout(options.json ? `${terminalSafeJson(stats, 2)}\n` : formatStats(stats));
      } finally {
        trace.close();
      }
      context.exitCode = ExitCode.ok;
    });
  return overlay;
}

function sub(parent: Command, name: string, description: string, example: string): Command {
  return parent
    .command(name)
    .description(description)
    .option(...dbOption)
    .option('--json', 'print JSON')
    .addHelpText('after', `\nExamples:\n  ${example}`);
}

/** For the subcommands that only look: a read-only project database is read as `ps` reads it. */
function readStore(context: CliContext, options: DbOptions, use: (store: LearningStore) => void): void {
  readProjectComponent(context, options.db, { name: LEARNING_COMPONENT, migrations: LEARNING_MIGRATIONS }, (database) => use(new LearningStore(database)));
  context.exitCode = ExitCode.ok;
}

function withStore(context: CliContext, options: DbOptions, use: (store: LearningStore) => void): void {
  const store = openLearningStore({ cwd: context.cwd, env: context.env, ...(options.db ? { databasePath: options.db } : {}) });
  try {
    use(store);
    context.exitCode = ExitCode.ok;
  } finally {
    store.close();
  }
}

function print(context: CliContext, value: unknown): void {
  context.stdout(`${terminalSafeJson(value, 2)}\n`);
}

function describeHead(head: OverlayHead): string {
  return `overlay: snapshot ${shortSnapshotId(head.snapshotId)}, ${head.lessonIds.length} lesson(s)${head.enabled ? '' : ', disabled (runs do not apply it; whaleflow overlay enable)'}`;
}

function formatStats(stats: OverlayStats): string {
  const side = (label: string, figures: OverlayStats['workflows'][number]['withOverlay']): string =>
    figures.runs === 0
      ? `    ${label.padEnd(16)} no runs`
      : `    ${label.padEnd(16)} ${figures.runs} run(s), success ${Math.round((figures.successRate ?? 0) * 100)}%, ${figures.meanWorkTokens} tokens, ${figures.meanSteps} steps, ${figures.meanWallMs ?? '?'} ms${figures.meanCostMicrousd === null ? '' : `, ${figures.meanCostMicrousd} µ$`} (means)`;
  const lines = [`${stats.runsConsidered} finished live run(s)`];
  for (const workflow of stats.workflows) lines.push(`  ${workflow.workflow}`, side('with overlay', workflow.withOverlay), side('without overlay', workflow.withoutOverlay));
  if (stats.lessons.length > 0) lines.push('lessons');
  for (const lesson of stats.lessons) {
    const { delta } = lesson;
    lines.push(`  ${shortLessonId(lesson.lessonId)}  applied in ${lesson.runsApplied} run(s); vs ${lesson.withoutLesson.runs} without: tokens ${signed(delta.workTokens)}, steps ${signed(delta.steps)}, success ${signed(delta.successPoints)} pts${delta.costMicrousd === null ? '' : `, cost ${signed(delta.costMicrousd)} µ$`}  ${lesson.title}`);
  }
  return `${lines.join('\n')}\n`;
}

function signed(value: number | null): string {
  if (value === null) return 'n/a';
  return value > 0 ? `+${value}` : String(value);
}
