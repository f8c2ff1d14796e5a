import { WhaleflowError } from '../../../util/index.js';

/** A tool call the tool refused or could not do; the model sees the message and may retry. */
export class ToolError extends WhaleflowError {
  override readonly name = 'ToolError';
  constructor(
    readonly tool: string,
    message: string,
  ) {
    super(message);
  }
}
