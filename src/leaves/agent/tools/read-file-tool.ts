import { readFile } from 'node:fs/promises';
import { resolveScopedPath } from '../../workspace/index.js';
import type { AgentTool } from './agent-tool.js';
import { optionalIntegerArgument, stringArgument } from './tool-arguments.js';
import { ToolError } from './tool-error.js';

const MAX_LINES = 2000;

export const readFileTool: AgentTool = {
  effect: 'read',
  definition: {
    name: 'read_file',
    description: `Read a text file, optionally a range of lines (1-based, inclusive). Each line is prefixed with its number and a tab; the prefix is not part of the file. At most ${MAX_LINES} lines per call.`,
    parameters: {
      type: 'object',
      properties: {
        path: { type: 'string', description: 'File path relative to the workspace root' },
        start_line: { type: 'integer', minimum: 1, description: 'First line to read; default 1' },
        end_line: { type: 'integer', minimum: 1, description: 'Last line to read; default the end (capped)' },
      },
      required: ['path'],
      additionalProperties: false,
    },
  },
  async run(args, environment) {
    const requested = stringArgument('read_file', args, 'path');
    const path = resolveScopedPath(environment.root, requested, environment.permissions.fileScope, environment.protectedPaths);
    const text = await readFile(path.absolute, 'utf8').catch(() => {
      throw new ToolError('read_file', `cannot read "${requested}" (missing, or a directory)`);
    });
    const lines = text.split('\n');
    if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
    const start = optionalIntegerArgument('read_file', args, 'start_line') ?? 1;
    const end = Math.min(optionalIntegerArgument('read_file', args, 'end_line') ?? lines.length, lines.length, start + MAX_LINES - 1);
    if (start > Math.max(lines.length, 1)) throw new ToolError('read_file', `"${requested}" has ${lines.length} lines; start_line ${start} is past the end`);
    const shown = lines.slice(start - 1, end).map((line, index) => `${start + index}\t${line}`);
    const more = end < lines.length ? `\n… (${lines.length - end} more lines; read from line ${end + 1})` : '';
    return `${shown.join('\n')}${more}`;
  },
};
