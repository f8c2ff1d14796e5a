// The executor: runs a validated WorkflowSpec with real, bounded concurrency; every
// nondeterministic step goes through the effect boundary; budgets and cancels are one signal tree.
export * from './contracts/index.js';
export { executeWorkflow, DEFAULT_MAX_CONCURRENT_LEAVES, DEFAULT_LEAF_IDLE_TIMEOUT_MS } from './execute-workflow.js';
export { resultsDigest, toRecordedResult } from './recorded-result.js';
export { ResultJsonTexts } from './result-json-texts.js';
export type { ExecuteRequest, ExecutionLimits } from './execute-request.js';
export { RunController, UnknownNodeError, type CancelTarget } from './run-controller.js';
export { systemEnvironment } from './system-environment.js';
export { ENGINE_VERSION } from './engine-version.js';
export { MemoryEventSink, FanOutEventSink } from './memory-event-sink.js';
export { estimateRun, type EstimatePricing, type RunEstimate } from './budget/index.js';
export {
  DEFAULT_PERMISSION_GRANT,
  grantFromFlags,
  preflightPermissions,
  planLeafPermissions,
  PermissionRefusedError,
  type PermissionGrant,
  type GrantFlags,
  type PermissionPreflight,
  type PermissionRefusal,
} from './permissions/index.js';
export { FifoSemaphore } from './scheduling/fifo-semaphore.js';
export { decisionKey } from './effects/decision-key.js';
export { leafRole } from './nodes/leaf-role.js';
export { overlayPartFor, leafEffectKey } from './run/overlay-part.js';
export { JUDGE_SYSTEM } from './nodes/decide-condition.js';
export { MemoryDisabledError, memoryUsers } from './nodes/memory-use.js';
export { SUB_QUERY_SYSTEM } from './nodes/leaf-memory-access.js';
export { describeLoaded, loadedContextOf, MEMORY_DISABLED_MESSAGE } from './nodes/run-memory.js';
export { PLANNER_SYSTEM } from './nodes/run-expand.js';
export { TOURNAMENT_JUDGE_SYSTEM } from './nodes/run-tournament.js';
export { mergeModelPolicy } from './run/run-context.js';
export { VirtualEnvironment } from './testing/virtual-environment.js';
