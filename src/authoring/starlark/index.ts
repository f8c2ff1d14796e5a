// `.star` workflows: the workflow builtins on WhaleFlow's Starlark interpreter.
export { createStarlarkFrontEnd, starlarkFrontEnd, starlarkDiagnostics, DEFAULT_AUTHORING_MAX_STEPS, type StarlarkAuthoringOptions } from './starlark-front-end.js';
export { WorkflowNode } from './workflow-node.js';
export { WorkflowBuilder } from './workflow-builder.js';
export { NODE_BUILTINS, BUDGET_KEYWORDS, type NodeBuiltinDefinition } from './node-builtins.js';
