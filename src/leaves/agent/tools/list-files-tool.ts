import { stat } from 'node:fs/promises';
import { resolveWorkspacePath, walkFiles } from '../../workspace/index.js';
import type { AgentTool } from './agent-tool.js';
import { optionalIntegerArgument, optionalStringArgument } from './tool-arguments.js';
import { ToolError } from './tool-error.js';

const DEFAULT_LIMIT = 500;

export const listFilesTool: AgentTool = {
  effect: 'read',
  definition: {
    name: 'list_files',
    description: 'List files (recursively) under a directory of the workspace, one relative path per line. Skips node_modules; .git and the WhaleFlow state (.whaleflow, whaleflow.config.yaml) are never listed.',
    parameters: {
      type: 'object',
      properties: {
        path: { type: 'string', description: 'Directory relative to the workspace root; default "."' },
        limit: { type: 'integer', minimum: 1, description: `Maximum number of files; default ${DEFAULT_LIMIT}` },
      },
      additionalProperties: false,
    },
  },
  async run(args, environment) {
    const requested = optionalStringArgument('list_files', args, 'path') ?? '.';
    const limit = optionalIntegerArgument('list_files', args, 'limit') ?? DEFAULT_LIMIT;
    const directory = resolveWorkspacePath(environment.root, requested, environment.protectedPaths);
    const info = await stat(directory.absolute).catch(() => undefined);
    if (!info?.isDirectory()) throw new ToolError('list_files', `"${requested}" is not a directory`);
    const { files, truncated } = await walkFiles(environment.root, directory.relative, { fileScope: environment.permissions.fileScope, limit, protectedPaths: environment.protectedPaths });
    if (files.length === 0) return '(no files in scope)';
    return truncated ? `${files.join('\n')}\n… (more files; raise limit or narrow path)` : files.join('\n');
  },
};
