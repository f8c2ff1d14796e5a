export { composeRun, RUN_PROVIDERS, type RunProvider, type ComposeRunOptions, type ComposedRun } from './compose-run.js';
export { formatPreflight } from './format-preflight.js';
export { formatRunSummary } from './format-run-summary.js';
