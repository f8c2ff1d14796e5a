import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { resolveScopedPath } from '../../workspace/index.js';
import type { AgentTool } from './agent-tool.js';
import { stringArgument } from './tool-arguments.js';

export const writeFileTool: AgentTool = {
  effect: 'write',
  definition: {
    name: 'write_file',
    description: 'Create or overwrite a file with the given content (parent directories are created).',
    parameters: {
      type: 'object',
      properties: {
        path: { type: 'string', description: 'File path relative to the workspace root' },
        content: { type: 'string', description: 'The whole new content of the file' },
      },
      required: ['path', 'content'],
      additionalProperties: false,
    },
  },
  async run(args, environment) {
    const requested = stringArgument('write_file', args, 'path');
    const content = stringArgument('write_file', args, 'content');
    const path = resolveScopedPath(environment.root, requested, environment.permissions.fileScope, environment.protectedPaths);
    await mkdir(dirname(path.absolute), { recursive: true });
    await writeFile(path.absolute, content, 'utf8');
    return `wrote ${Buffer.byteLength(content)} bytes to ${path.relative}`;
  },
};
