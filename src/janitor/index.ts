// The janitor: keeps what the project database holds bounded and true (docs/janitor.md).
export { buildJanitorPlan, type JanitorInput } from './build-janitor-plan.js';
export { runJanitorPass, JanitorBusyError, JANITOR_LOCK_KEY, type JanitorPassOptions, type JanitorPassOutcome } from './run-janitor-pass.js';
export type { JanitorPlan, MemoChange, LessonChange, RunCompaction, ChainDeletion, WorktreeRemoval, MemoryRemoval, VacuumPlan, KeptRuns } from './janitor-plan.js';
export { JanitorRecords, hasJanitorTables, type JanitorActionRecord, type JanitorPassRecord, type JanitorSummaryRow, type PinRecord } from './janitor-records.js';
export { planCounts, rowsOf, formatSummaryTable, formatBytes, SUMMARY_LABELS } from './janitor-summary.js';
export { readDatabaseFacts, type DatabaseFacts } from './database-facts.js';
export { verdictOf } from './plan-lessons.js';
export { explainRun, describePass } from './explain-run.js';
export { autoJanitorPass, type AutoPassInput, type AutoPassOutcome } from './auto-janitor-pass.js';
export { repositoryRootOf } from './repository-root.js';
export { storageLine } from './storage-line.js';
