export { validateSpec } from './validate-spec.js';
export { DEFAULT_MAX_AGENTS, DEFAULT_MAX_DEPTH, type ValidationOptions } from './validation-context.js';
export { launchShapeOf } from './check-launch-shape.js';
