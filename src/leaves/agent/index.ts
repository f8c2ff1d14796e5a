// The agent leaf: a bounded tool loop over a ModelClient, confined to its workspace.
export { AgentLeafRunner, type AgentLeafRunnerOptions, type AgentLeafData } from './agent-leaf-runner.js';
export { agentSystemPrompt, agentFirstMessage } from './agent-prompt.js';
export { LoopMeter, type LoopLimit, type LoopTotals } from './loop-meter.js';
export { executeToolCall, describeToolCall, type ToolCallOutcome } from './execute-tool-call.js';
export * from './tools/index.js';
