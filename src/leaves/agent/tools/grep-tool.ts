import { join } from 'node:path';
import { InvalidRegexError, SearchDeadlineError, searchLines } from '../../../util/linear-regex/index.js';
import { resolveWorkspacePath, walkFiles } from '../../workspace/index.js';
import type { AgentTool } from './agent-tool.js';
import { optionalIntegerArgument, optionalStringArgument, stringArgument } from './tool-arguments.js';
import { ToolError } from './tool-error.js';

const DEFAULT_MAX_RESULTS = 100;
const MAX_FILES_SEARCHED = 20_000;
const MAX_LINE_CHARS = 300;
/** One grep call's hard deadline (the leaf's own deadline caps it further). */
const GREP_TIMEOUT_MS = 20_000;

/**
 * The model chooses the pattern, so it is treated as hostile: RE2 syntax on a linear-time
 * engine (no pattern can backtrack exponentially), matched on a worker thread that a cancel or
 * the deadline terminates at once, so a grep can never freeze the run.
 */
export const grepTool: AgentTool = {
  effect: 'read',
  definition: {
    name: 'grep',
    description:
      'Search file contents with a regular expression (RE2 syntax: like JavaScript regex, without backreferences or lookaround). Returns "path:line: text" for each matching line, in path order.',
    parameters: {
      type: 'object',
      properties: {
        pattern: { type: 'string', description: 'Regular expression (RE2 syntax)' },
        path: { type: 'string', description: 'Directory to search, relative to the workspace root; default "."' },
        ignore_case: { type: 'boolean', description: 'Case-insensitive match; default false' },
        max_results: { type: 'integer', minimum: 1, description: `Maximum matching lines; default ${DEFAULT_MAX_RESULTS}` },
      },
      required: ['pattern'],
      additionalProperties: false,
    },
  },
  async run(args, environment) {
    const pattern = stringArgument('grep', args, 'pattern');
    const start = resolveWorkspacePath(environment.root, optionalStringArgument('grep', args, 'path') ?? '.', environment.protectedPaths);
    const maxResults = optionalIntegerArgument('grep', args, 'max_results') ?? DEFAULT_MAX_RESULTS;
    const { files } = await walkFiles(environment.root, start.relative, { fileScope: environment.permissions.fileScope, limit: MAX_FILES_SEARCHED, protectedPaths: environment.protectedPaths });
    const timeoutMs = Math.min(GREP_TIMEOUT_MS, environment.commandTimeoutMs);
    let outcome;
    try {
      outcome = await searchLines(
        { pattern, ignoreCase: args.ignore_case === true, sources: files.map((file) => ({ name: file, file: join(environment.root, file) })), maxMatches: maxResults, maxLineChars: MAX_LINE_CHARS },
        { timeoutMs, signal: environment.signal },
      );
    } catch (error) {
      if (error instanceof InvalidRegexError || error instanceof SearchDeadlineError) throw new ToolError('grep', error.message);
      throw error;
    }
    const lines = outcome.matches.map((match) => `${match.source}:${match.line}: ${match.text}`);
    if (lines.length === 0) return '(no matches)';
    return outcome.truncated ? `${lines.join('\n')}\n… (stopped at ${maxResults} matches)` : lines.join('\n');
  },
};
