import type { JanitorPlan } from './janitor-plan.js';
import type { JanitorSummaryRow } from './janitor-records.js';

/** The table's rows in a fixed order, so a dry run and the pass that follows read alike. */
export const SUMMARY_LABELS = {
  memoStale: 'memo entries marked stale',
  memoEvicted: 'memo entries evicted',
  lessonsStale: 'lessons marked stale',
  lessonsDemoted: 'lessons demoted',
  lessonsPurged: 'rejected lessons purged',
  runsCompacted: 'runs compacted',
  runsDeleted: 'runs deleted (database cap)',
  memory: 'memory contexts removed',
  worktrees: 'orphaned worktrees removed',
  vacuum: 'file space returned (vacuum)',
} as const;

export type SummaryKey = keyof typeof SUMMARY_LABELS;

export type SummaryCounts = Record<SummaryKey, { count: number; bytes: number }>;

export function emptyCounts(): SummaryCounts {
  const counts = {} as SummaryCounts;
  for (const key of Object.keys(SUMMARY_LABELS) as SummaryKey[]) counts[key] = { count: 0, bytes: 0 };
  return counts;
}

export function rowsOf(counts: SummaryCounts): JanitorSummaryRow[] {
  return (Object.keys(SUMMARY_LABELS) as SummaryKey[]).map((key) => ({ what: SUMMARY_LABELS[key], count: counts[key].count, bytes: counts[key].bytes }));
}

const sum = (items: readonly { readonly bytes?: number; readonly freedBytes?: number }[]): number => items.reduce((total, item) => total + Math.max(0, item.bytes ?? item.freedBytes ?? 0), 0);

/** What the plan would do, as the table's rows. */
export function planCounts(plan: JanitorPlan): SummaryCounts {
  const counts = emptyCounts();
  counts.memoStale = { count: plan.memo.stale.length, bytes: sum(plan.memo.stale) };
  counts.memoEvicted = { count: plan.memo.evict.length, bytes: sum(plan.memo.evict) };
  counts.lessonsStale.count = plan.lessons.stale.length;
  counts.lessonsDemoted.count = plan.lessons.demote.length;
  counts.lessonsPurged.count = plan.lessons.purge.length;
  counts.runsCompacted = { count: plan.runs.compact.length, bytes: sum(plan.runs.compact) };
  counts.runsDeleted = { count: plan.runs.delete.reduce((total, chain) => total + chain.runIds.length, 0), bytes: sum(plan.runs.delete) };
  counts.memory = { count: plan.memory.length, bytes: sum(plan.memory) };
  counts.worktrees.count = plan.worktrees.length;
  const vacuums = plan.vacuum.step.kind === 'incremental' || plan.vacuum.step.kind === 'convert';
  counts.vacuum = { count: vacuums ? 1 : 0, bytes: vacuums ? plan.vacuum.expectedBytes : 0 };
  return counts;
}

export function formatBytes(bytes: number): string {
  const sign = bytes < 0 ? '-' : '';
  let value = Math.abs(bytes);
  for (const unit of ['B', 'KiB', 'MiB', 'GiB']) {
    if (value < 1024 || unit === 'GiB') return unit === 'B' ? `${sign}${value} B` : `${sign}${value.toFixed(1)} ${unit}`;
    value /= 1024;
  }
  return `${sign}${value} B`;
}

/** The table: what, how many, bytes (memo "bytes" are stored answers; run bytes what the file holds less). */
export function formatSummaryTable(rows: readonly JanitorSummaryRow[]): string {
  const width = Math.max(...rows.map((row) => row.what.length), 4);
  const lines = [`${'what'.padEnd(width)}  ${'count'.padStart(7)}  ${'bytes'.padStart(10)}`];
  for (const row of rows) lines.push(`${row.what.padEnd(width)}  ${String(row.count).padStart(7)}  ${formatBytes(row.bytes).padStart(10)}`);
  return `${lines.join('\n')}\n`;
}
