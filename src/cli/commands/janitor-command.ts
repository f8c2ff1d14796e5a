import { Command, Option } from 'commander';
import { loadConfig } from '../../config/index.js';
import { buildJanitorPlan, describePass, formatBytes, formatSummaryTable, JanitorRecords, planCounts, repositoryRootOf, rowsOf, runJanitorPass, type JanitorPlan } from '../../janitor/index.js';
import { openProjectTrace } from '../../trace/index.js';
import { terminalSafeJson } from '../../util/index.js';
import type { CliContext } from '../cli-context.js';
import { ExitCode } from '../exit-codes.js';
import { databaseOption, positiveInteger } from '../options/index.js';

interface JanitorOptions {
  apply?: boolean;
  json?: boolean;
  history?: number;
  db?: string;
}

function planJson(plan: JanitorPlan) {
  return {
    database: plan.database,
    cap_bytes: plan.capBytes,
    projected_bytes: plan.projectedBytes,
    memo: { before: plan.memo.before, stale: plan.memo.stale, evict: plan.memo.evict },
    lessons: plan.lessons,
    runs: plan.runs,
    memory: plan.memory,
    worktrees: plan.worktrees,
    vacuum: plan.vacuum,
    kept: plan.kept,
    notes: plan.notes,
  };
}

function keptLine(plan: JanitorPlan): string {
  const kept = plan.kept;
  const parts = Object.entries(kept)
    .filter(([, count]) => count > 0)
    .map(([why, count]) => `${count} ${why}`);
  return parts.length > 0 ? `runs kept whole: ${parts.join(', ')}\n` : '';
}

function details(plan: JanitorPlan): string {
  const lines: string[] = [];
  for (const change of plan.lessons.stale) lines.push(`  lesson ${change.lessonId.slice(0, 12)} stale: ${change.reason}`);
  for (const change of plan.lessons.demote) lines.push(`  lesson ${change.lessonId.slice(0, 12)} demoted: ${change.reason}`);
  for (const change of plan.lessons.purge) lines.push(`  lesson ${change.lessonId.slice(0, 12)} purged: ${change.reason}`);
  for (const chain of plan.runs.delete) lines.push(`  run ${chain.chainRoot.slice(0, 8)} "${chain.label}" (${chain.status}, ${chain.runIds.length} run(s)) deleted: ${formatBytes(chain.freedBytes)}`);
  for (const worktree of plan.worktrees) lines.push(`  worktree ${worktree.path}: ${worktree.reason}`);
  for (const removal of plan.memory) lines.push(`  memory context ${removal.name}: ${removal.reason}`);
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

export function janitorCommand(context: CliContext): Command {
  return new Command('janitor')
    .description('Keep the project database bounded: stale memo entries and lessons, memo capacity, lesson demotion, compaction that keeps replay, the database cap, orphaned worktrees (a dry run unless --apply)')
    .option('--apply', 'do it (without it: print what a pass would do and change nothing)')
    .option('--json', 'print JSON')
    .addOption(new Option('--history [n]', 'list the last n applied passes (default 10) instead').argParser(positiveInteger))
    .addOption(databaseOption(context))
    .addHelpText('after', '\nExamples:\n  $ whaleflow janitor\n  $ whaleflow janitor --apply\n  $ whaleflow janitor --history --json')
    .action(async (options: JanitorOptions) => {
      const trace = openProjectTrace({ cwd: context.cwd, env: context.env, databasePath: options.db, mustExist: true });
      try {
        if (options.history !== undefined) {
          const limit = typeof options.history === 'number' ? options.history : 10;
          const passes = JanitorRecords.read(trace.database).passes(limit);
          if (options.json) context.stdout(`${terminalSafeJson(passes, 2)}\n`);
          else if (passes.length === 0) context.stdout('no janitor pass has been applied\n');
          else for (const pass of passes) context.stdout(`${describePass(pass)}\n${pass.summary ? formatSummaryTable(pass.summary.filter((row) => row.count > 0)) : ''}`);
          context.exitCode = ExitCode.ok;
          return;
        }
        const config = loadConfig({ cwd: context.cwd, env: context.env });
        const input = { trace, config, repositoryRoot: await repositoryRootOf(context.cwd), now: Date.now() };
        if (!options.apply) {
          const plan = await buildJanitorPlan(input);
          const rows = rowsOf(planCounts(plan));
          if (options.json) context.stdout(`${terminalSafeJson({ applied: false, rows, plan: planJson(plan) }, 2)}\n`);
          else {
            context.stdout(`dry run: nothing changed (whaleflow janitor --apply does it)\n${formatSummaryTable(rows)}${details(plan)}${keptLine(plan)}`);
            context.stdout(`database ${formatBytes(plan.database.fileBytes)} on disk, ${formatBytes(plan.database.usedBytes)} in use → about ${formatBytes(plan.projectedBytes)}${plan.capBytes !== null ? ` (cap ${formatBytes(plan.capBytes)})` : ''}\n`);
            for (const note of plan.notes) context.stdout(`note: ${note}\n`);
          }
          context.exitCode = ExitCode.ok;
          return;
        }
        const outcome = await runJanitorPass({ ...input, trigger: 'manual' });
        if (options.json) context.stdout(`${terminalSafeJson({ applied: true, pass: outcome.passId, rows: outcome.rows, file_bytes_before: outcome.fileBytesBefore, file_bytes_after: outcome.fileBytesAfter, problems: outcome.problems, skipped: outcome.skipped, plan: planJson(outcome.plan) }, 2)}\n`);
        else {
          context.stdout(`janitor pass ${outcome.passId} applied\n${formatSummaryTable(outcome.rows)}${details(outcome.plan)}${keptLine(outcome.plan)}`);
          context.stdout(`database file ${formatBytes(outcome.fileBytesBefore)} → ${formatBytes(outcome.fileBytesAfter)}\n`);
          for (const note of [...outcome.plan.notes, ...outcome.skipped]) context.stdout(`note: ${note}\n`);
          for (const problem of outcome.problems) context.stderr(`warning: ${problem}\n`);
        }
        context.exitCode = outcome.problems.length > 0 ? ExitCode.failure : ExitCode.ok;
      } finally {
        trace.close();
      }
    });
}
