// Generated plans: a small JSON shape a model produces, lowered to the IR by one function.
export { PlanSchema, PlanPhaseSchema, PlanStepSchema, type Plan, type PlanInput, type PlanPhase, type PlanStep } from './plan-schema.js';
export { lowerPlan, type RecordOrigin } from './lower-plan.js';
export { extractPlanJson, type ExtractedPlanJson } from './extract-plan-json.js';
export { repairJson, type JsonRepair } from './repair-json.js';
export { planFrontEnd } from './plan-front-end.js';
export { compilePlanText } from './compile-plan-text.js';
