export type { AgentTool, ToolEnvironment, ToolEffect } from './agent-tool.js';
export { ToolError } from './tool-error.js';
export { selectTools, allTools } from './select-tools.js';
export { FINISH_TOOL_NAME, finishTool, finishWithCitationsTool, parseFinish, type FinishResult } from './finish-tool.js';
export { countOccurrences } from './edit-file-tool.js';
