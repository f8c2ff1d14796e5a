// Runs as users address them: by id, prefix or `last`; replayed, resumed, inspected, reported.
export { resolveRunReference } from './resolve-run-reference.js';
export { selectLiveNodes, UnknownNodeError } from './live-node-selection.js';
export { compareResults, type ParityVerdict } from './compare-results.js';
export { renderRunTree, renderNodeDetail, renderRunHeader, type TreeOptions, type NodeDetailOptions } from './render-run-tree.js';
export { buildRunReport, type RunReport, type ReportLeaf } from './build-run-report.js';
export { renderRunReport, renderReport, type ReportFormat, type TextReportFormat } from './render-run-report.js';
export { formatCost, formatDuration, formatTokens, truncateOutput } from './format-run-facts.js';
export { readRecordedRun, recordedRunFromEvents, type RecordedRun } from './recorded-run.js';
export { replayRun, type ReplayRequest, type ReplayOutcome } from './replay-run.js';
export { resumeRun, resumeChain, type ResumeRequest, type ResumeOutcome } from './resume-run.js';
export { forbiddenLivePorts, countLivePorts, LiveCallForbiddenError, type LiveCallCounts } from './forbidden-live-ports.js';
export { loadRecordedRun } from './load-recorded-run.js';
// Workflow mode: background runs, their liveness and cancel, and the overview ps/TUI/progress share.
export { RunOverviewFold } from './run-overview-fold.js';
export { shortRunId, isTerminalStatus, SHORT_ID_LENGTH, type RunOverview, type NodeOverview, type RunDisplayStatus, type SlowestLeaf, type RunBudget } from './run-overview.js';
export { overviewRun, overviewRuns } from './overview-runs.js';
export { groupRuns, groupOf, type RunGroup, type RunGroupName } from './group-runs.js';
export { renderRunList, renderRunLine } from './render-run-list.js';
export { formatElapsed, formatOverviewCost, formatTokenCount, formatSlowest, formatLeafProgress } from './format-overview.js';
export { statusGlyph, type DisplayStatus } from './status-glyph.js';
export { isProcessAlive, isRunInterrupted, DEFAULT_STALE_AFTER_MS, HEARTBEAT_INTERVAL_MS, type PidChecker, type LivenessOptions } from './run-liveness.js';
export { specSkeleton, type SpecSkeleton, type SkeletonNode } from './spec-skeleton.js';
export { startHeartbeat } from './start-heartbeat.js';
export { pollCancelRequests, CANCEL_POLL_INTERVAL_MS } from './poll-cancel-requests.js';
export { superviseRun, type RunSupervision, type RunSupervisionOptions } from './supervise-run.js';
export { requestRunCancel, UnknownCancelTargetError, type CancelRequestOutcome } from './request-run-cancel.js';
export { startBackgroundRun, backgroundRunArguments, RUN_ID_OPTION, type BackgroundRun, type BackgroundRunOptions } from './start-background-run.js';
export { assertResumable, RunStillRunningError } from './assert-resumable.js';
