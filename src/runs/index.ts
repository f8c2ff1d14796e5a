// Runs as users address them: by id, prefix or `last`; replayed, resumed, inspected, reported.
export { resolveRunReference } from './resolve-run-reference.js';
export { selectLiveNodes, UnknownNodeError } from './live-node-selection.js';
export { compareResults, type ParityVerdict } from './compare-results.js';
export { renderRunTree, renderNodeDetail, renderRunHeader, statusMark, type TreeOptions, type NodeDetailOptions } from './render-run-tree.js';
export { buildRunReport, type RunReport, type ReportLeaf } from './build-run-report.js';
export { renderRunReport, type ReportFormat } from './render-run-report.js';
export { formatCost, formatDuration, formatTokens, truncateOutput } from './format-run-facts.js';
export { readRecordedRun, recordedRunFromEvents, type RecordedRun } from './recorded-run.js';
export { replayRun, type ReplayRequest, type ReplayOutcome } from './replay-run.js';
export { resumeRun, resumeChain, type ResumeRequest, type ResumeOutcome } from './resume-run.js';
export { forbiddenLivePorts, countLivePorts, LiveCallForbiddenError, type LiveCallCounts } from './forbidden-live-ports.js';
export { createMockLivePorts } from './mock-live-ports.js';
export { loadRecordedRun } from './load-recorded-run.js';
