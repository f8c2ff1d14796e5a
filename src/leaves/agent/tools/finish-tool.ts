import type { AgentTool } from './agent-tool.js';
import { stringArgument } from './tool-arguments.js';
import { ToolError } from './tool-error.js';

export const FINISH_TOOL_NAME = 'finish';

/** The typed end of a leaf: the loop stops at the first finish call. */
export interface FinishResult {
  readonly summary: string;
  readonly status: 'succeeded' | 'failed';
  /** Evidence ids (memory_evidence) the answer rests on; only offered to leaves with memory. */
  readonly citations?: readonly string[];
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

/** `finish` for a leaf with memory: the answer can cite the evidence it collected. */
export const finishWithCitationsTool: AgentTool = {
  ...finishTool,
  definition: {
    ...finishTool.definition,
    parameters: {
      type: 'object',
      properties: {
        ...(finishTool.definition.parameters.properties as Record<string, unknown>),
        citations: { type: 'array', items: { type: 'string' }, description: 'Ids of the evidence (E1, E2, …) the summary rests on' },
      },
      required: ['summary', 'status'],
      additionalProperties: false,
    },
  },
};

export function parseFinish(args: Record<string, unknown>): FinishResult {
  const summary = stringArgument(FINISH_TOOL_NAME, args, 'summary');
  const status = args.status ?? 'succeeded';
  if (status !== 'succeeded' && status !== 'failed') throw new ToolError(FINISH_TOOL_NAME, 'status must be "succeeded" or "failed"');
  const citations = args.citations;
  if (citations === undefined || citations === null) return { summary, status };
  if (!Array.isArray(citations) || !citations.every((id) => typeof id === 'string')) throw new ToolError(FINISH_TOOL_NAME, 'citations must be a list of evidence ids such as "E1"');
  return { summary, status, citations };
}
