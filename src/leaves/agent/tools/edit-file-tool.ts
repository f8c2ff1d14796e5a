import { readFile, writeFile } from 'node:fs/promises';
import { resolveScopedPath } from '../../workspace/index.js';
import type { AgentTool } from './agent-tool.js';
import { stringArgument } from './tool-arguments.js';
import { ToolError } from './tool-error.js';

export const editFileTool: AgentTool = {
  effect: 'write',
  definition: {
    name: 'edit_file',
    description:
      'Replace one exact occurrence of old_text with new_text in a file. old_text must occur exactly once (include surrounding lines to make it unique); whitespace matters.',
    parameters: {
      type: 'object',
      properties: {
        path: { type: 'string', description: 'File path relative to the workspace root' },
        old_text: { type: 'string', description: 'Exact text to replace; must occur exactly once' },
        new_text: { type: 'string', description: 'Replacement text' },
      },
      required: ['path', 'old_text', 'new_text'],
      additionalProperties: false,
    },
  },
  async run(args, environment) {
    const requested = stringArgument('edit_file', args, 'path');
    const oldText = stringArgument('edit_file', args, 'old_text');
    const newText = stringArgument('edit_file', args, 'new_text');
    if (oldText === '') throw new ToolError('edit_file', 'old_text is empty; use write_file to create a file');
    const path = resolveScopedPath(environment.root, requested, environment.permissions.fileScope, environment.protectedPaths);
    const text = await readFile(path.absolute, 'utf8').catch(() => {
      throw new ToolError('edit_file', `cannot read "${requested}" (missing, or a directory)`);
    });
    const occurrences = countOccurrences(text, oldText);
    if (occurrences === 0) throw new ToolError('edit_file', `old_text was not found in ${path.relative}; read the file and copy the text exactly`);
    if (occurrences > 1) throw new ToolError('edit_file', `old_text occurs ${occurrences} times in ${path.relative}; include more surrounding text so it occurs once`);
    const at = text.indexOf(oldText);
    await writeFile(path.absolute, text.slice(0, at) + newText + text.slice(at + oldText.length), 'utf8');
    return `edited ${path.relative}`;
  },
};

/** Non-overlapping occurrences, as a replace would see them. */
export function countOccurrences(text: string, part: string): number {
  let count = 0;
  for (let at = text.indexOf(part); at !== -1; at = text.indexOf(part, at + part.length)) count += 1;
  return count;
}
