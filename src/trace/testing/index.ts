// Test helpers for trace stores; imports vitest, so never re-exported from src/trace/index.ts.
export { describeTraceStoreConformance } from './trace-store-conformance.js';
export { fakeRunEvents, type FakeRunOptions } from './fake-run-events.js';
