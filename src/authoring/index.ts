// Authoring: every workflow language compiles to the IR here, through one shared gate.
export { compileWorkflowFile, compileWorkflowSource } from './compile-workflow.js';
export { frontEndFor, supportedSuffixes, isGeneratedPlanFile, GENERATED_PLAN_SUFFIX } from './front-ends.js';
export type { CompiledWorkflow, CompileOptions, FrontEnd, FrontEndResult, WorkflowOrigin } from './compiled-workflow.js';
export { SourceText } from './source-text.js';
export { parseJsonWithPositions } from './json/parse-json-with-positions.js';
export { parseYamlWithPositions } from './yaml/parse-yaml-with-positions.js';
export { MAX_SOURCE_BYTES, MAX_NESTING } from './limits.js';
export { compilePlanText, extractPlanJson, lowerPlan, repairJson, PlanSchema, planFrontEnd, type Plan, type PlanInput, type JsonRepair } from './plan/index.js';
export { createStarlarkFrontEnd, starlarkFrontEnd, WorkflowNode, DEFAULT_AUTHORING_MAX_STEPS, type StarlarkAuthoringOptions } from './starlark/index.js';
