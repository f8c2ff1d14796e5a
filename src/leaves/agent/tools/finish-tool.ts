import type { AgentTool } from './agent-tool.js';
import { stringArgument } from './tool-arguments.js';
import { ToolError } from './tool-error.js';

export const FINISH_TOOL_NAME = 'finish';

/** The typed end of a leaf: the loop stops at the first finish call. */
export interface FinishResult {
  readonly summary: string;
  readonly status: 'succeeded' | 'failed';
}

export const finishTool: AgentTool = {
  effect: 'finish',
  definition: {
    name: FINISH_TOOL_NAME,
    description: 'End the task. Give a short summary of what was done (or found) and whether it succeeded.',
    parameters: {
      type: 'object',
      properties: {
        summary: { type: 'string', description: 'What was done or found, for the next step of the workflow' },
        status: { type: 'string', enum: ['succeeded', 'failed'], description: '"failed" when the task could not be done' },
      },
      required: ['summary', 'status'],
      additionalProperties: false,
    },
  },
  async run(args) {
    return JSON.stringify(parseFinish(args));
  },
};

export function parseFinish(args: Record<string, unknown>): FinishResult {
  const summary = stringArgument(FINISH_TOOL_NAME, args, 'summary');
  const status = args.status ?? 'succeeded';
  if (status !== 'succeeded' && status !== 'failed') throw new ToolError(FINISH_TOOL_NAME, 'status must be "succeeded" or "failed"');
  return { summary, status };
}
