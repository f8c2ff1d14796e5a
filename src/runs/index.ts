// Runs as users address them: by id, prefix or `last`; replayed, resumed, inspected, reported.
export { resolveRunReference } from './resolve-run-reference.js';
export { selectLiveNodes, UnknownNodeError } from './live-node-selection.js';
export { compareResults, type ParityVerdict } from './compare-results.js';
export { renderRunTree, renderNodeDetail, renderRunHeader, statusMark, type TreeOptions, type NodeDetailOptions } from './render-run-tree.js';
export { buildRunReport, type RunReport, type ReportLeaf } from './build-run-report.js';
export { renderRunReport, type ReportFormat } from './render-run-report.js';
export { formatCost, formatDuration, formatTokens, truncateOutput } from './format-run-facts.js';
