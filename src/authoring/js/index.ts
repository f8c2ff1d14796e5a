// Declarative `.workflow.js` / `.workflow.ts`: literal data read with the TypeScript parser, never run.
export { jsFrontEnd } from './js-front-end.js';
export { WRAPPER_KINDS, type WrapperName, lowerWorkflowLiteral } from './lower-wrapper-nodes.js';
export { readLiteral } from './read-literal.js';
export { shorthandLeafFields, canonicalAgentType, AGENT_TYPE_ALIASES, type LeafShorthand } from '../leaf-shorthands.js';
