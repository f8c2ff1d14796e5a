import { readFile } from 'node:fs/promises';
import { resolveWorkspacePath, walkFiles } from '../../workspace/index.js';
import type { AgentTool } from './agent-tool.js';
import { optionalIntegerArgument, optionalStringArgument, stringArgument } from './tool-arguments.js';
import { ToolError } from './tool-error.js';

const DEFAULT_MAX_RESULTS = 100;
const MAX_FILES_SEARCHED = 20_000;
const MAX_LINE_CHARS = 300;

export const grepTool: AgentTool = {
  effect: 'read',
  definition: {
    name: 'grep',
    description: 'Search file contents with a JavaScript regular expression. Returns "path:line: text" for each matching line, in path order.',
    parameters: {
      type: 'object',
      properties: {
        pattern: { type: 'string', description: 'Regular expression (JavaScript syntax)' },
        path: { type: 'string', description: 'Directory to search, relative to the workspace root; default "."' },
        ignore_case: { type: 'boolean', description: 'Case-insensitive match; default false' },
        max_results: { type: 'integer', minimum: 1, description: `Maximum matching lines; default ${DEFAULT_MAX_RESULTS}` },
      },
      required: ['pattern'],
      additionalProperties: false,
    },
  },
  async run(args, environment) {
    const pattern = compile(stringArgument('grep', args, 'pattern'), args.ignore_case === true);
    const start = resolveWorkspacePath(environment.root, optionalStringArgument('grep', args, 'path') ?? '.');
    const maxResults = optionalIntegerArgument('grep', args, 'max_results') ?? DEFAULT_MAX_RESULTS;
    const { files } = await walkFiles(environment.root, start.relative, { fileScope: environment.permissions.fileScope, limit: MAX_FILES_SEARCHED });
    const matches: string[] = [];
    for (const file of files) {
      environment.signal.throwIfAborted();
      const text = await readFile(`${environment.root}/${file}`, 'utf8').catch(() => '');
      if (text.includes('\u0000')) continue;
      for (const [index, line] of text.split('\n').entries()) {
        if (!pattern.test(line)) continue;
        matches.push(`${file}:${index + 1}: ${line.slice(0, MAX_LINE_CHARS)}`);
        if (matches.length >= maxResults) return `${matches.join('\n')}\n… (stopped at ${maxResults} matches)`;
      }
    }
    return matches.length > 0 ? matches.join('\n') : '(no matches)';
  },
};

function compile(source: string, ignoreCase: boolean): RegExp {
  try {
    return new RegExp(source, ignoreCase ? 'i' : '');
  } catch (error) {
    throw new ToolError('grep', `invalid regular expression: ${(error as Error).message}`);
  }
}
