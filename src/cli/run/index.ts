export { composeRun, RUN_PROVIDERS, type RunProvider, type ComposeRunOptions, type ComposedRun, type RunPlacement } from './compose-run.js';
export { formatPreflight } from './format-preflight.js';
export { formatRunSummary } from './format-run-summary.js';
export { formatQueueSummary } from './format-queue-summary.js';
export { formatTraceFailure } from './format-trace-failure.js';
export { credentialRefusal } from './credential-refusal.js';
export { sandboxPreflight, type SandboxPreflight, type SandboxPreflightInput } from './sandbox-preflight.js';
export { listenForStopSignals, type StopSignals, type StopSignal } from './stop-signals.js';
export { keepOldGenerationTight } from './keep-old-generation-tight.js';
