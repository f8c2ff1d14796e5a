// The IR: one typed WorkflowSpec that every authoring language compiles to and the engine runs.
export * from './schema/enums.js';
export * from './schema/budget-spec.js';
export * from './schema/permission-spec.js';
export * from './schema/model-policy.js';
export * from './schema/promotion-policy.js';
export * from './schema/condition-spec.js';
export * from './schema/memory-spec.js';
export * from './schema/node-spec.js';
export * from './schema/workflow-spec.js';
export * from './schema/results.js';
export { SpecSource, pathKey, formatDocumentPath, type DocumentPath } from './source-map.js';
export { walkNodes, listNodes, childListsOf, referencesOf, type NodeLocation, type ChildList } from './walk-nodes.js';
export { parseWorkflowSpec, describeValue, type ParseResult } from './parse-workflow-spec.js';
export { parseRecordedSpec, type RecordedSpecRead } from './parse-recorded-spec.js';
export { validateSpec, launchShapeOf, DEFAULT_MAX_AGENTS, DEFAULT_MAX_DEPTH, type ValidationOptions } from './validate/index.js';
export { toCanonicalJson, toCanonicalPrettyJson, canonicalLeaf } from './canonical-json.js';
export { specHash, leafInputHash, leafInputHashDocument, leafInputHashPrefix, leafInputHashOf, type ResolvedInputs } from './hashes.js';
export { exportGraph, type GraphFormat, type GraphOptions, type GraphNodeStyle } from './graph-export.js';
