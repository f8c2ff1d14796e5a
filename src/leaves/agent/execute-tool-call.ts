import type { ToolCall } from '../../providers/index.js';
import { PathOutsideWorkspaceError } from '../workspace/index.js';
import { ToolError, type AgentTool, type ToolEnvironment } from './tools/index.js';
import { capText } from '../command/index.js';

const TOOL_OUTPUT_CAP_CHARS = 20_000;

export interface ToolCallOutcome {
  readonly content: string;
  readonly isError: boolean;
}

/**
 * Runs one tool call and turns every refusal into a tool error the model can read: a tool not
 * offered to this leaf (a read-only leaf calling write_file), bad arguments, a path outside
 * the workspace or file scope. Anything else (a bug, a cancel) propagates.
 */
export async function executeToolCall(call: ToolCall, offered: readonly AgentTool[], environment: ToolEnvironment): Promise<ToolCallOutcome> {
  const tool = offered.find((candidate) => candidate.definition.name === call.name);
  if (!tool) {
    const names = offered.map((candidate) => candidate.definition.name).join(', ');
    return { content: `error: tool "${call.name}" is not available to this leaf (available: ${names})`, isError: true };
  }
  try {
    const output = await tool.run(call.arguments, environment);
    return { content: capText(output, TOOL_OUTPUT_CAP_CHARS).text, isError: false };
  } catch (error) {
    if (error instanceof ToolError || error instanceof PathOutsideWorkspaceError) return { content: `error: ${error.message}`, isError: true };
    throw error;
  }
}

/** A short description of a call for the activity feed. */
export function describeToolCall(call: ToolCall): string {
  const path = typeof call.arguments.path === 'string' ? ` ${call.arguments.path}` : '';
  const command = typeof call.arguments.command === 'string' ? ` $ ${call.arguments.command}` : '';
  const pattern = typeof call.arguments.pattern === 'string' ? ` /${call.arguments.pattern}/` : '';
  return `${call.name}${path}${command}${pattern}`.slice(0, 200);
}
