import type { LeafMemory, LeafRunInput } from '../../engine/index.js';

/**
 * The system prompt and first user message are built ONLY from what defines the leaf's work:
 * its prompt, role, agent_type, file_scope, whether it may write, and its resolved inputs.
 * Never run ids, leaf ids, paths of worktrees or times: two identical leaves (speculative
 * branches) must send byte-identical requests so the memo answers the second from the first.
 */
export function agentSystemPrompt(input: LeafRunInput, memory?: LeafMemory): string {
  const { leaf, permissions } = input;
  const lines = [
    `You are a ${leaf.agent_type} coding agent working as the "${input.role}" role of a workflow.`,
    'Work only through the tools offered. Paths are relative to the workspace root.',
    permissions.allowWrite
      ? 'You may read and change files in the workspace.'
      : 'You may read files but not change them; report what you find.',
  ];
  const fileScope = permissions.fileScope.length > 0 ? permissions.fileScope : leaf.file_scope;
  if (fileScope.length > 0) lines.push(`Only these paths are in scope: ${fileScope.join(', ')}.`);
  if (memory) lines.push(...memoryLines(memory));
  lines.push('When you are done, call finish with a short summary and status "succeeded" (or "failed" if the task could not be done).');
  // The overlay's advisory block (lessons promoted in this repository) comes last, delimited and
  // marked untrusted by its builder; it is the same for every leaf it reaches, so the memo still shares.
  if (input.overlay?.advisory) lines.push('', input.overlay.advisory);
  return lines.join('\n');
}

export function agentFirstMessage(input: LeafRunInput): string {
  const inputIds = Object.keys(input.resolvedInputs).sort();
  if (inputIds.length === 0) return input.leaf.prompt;
  const sections = inputIds.map((id) => `## ${id}\n${input.resolvedInputs[id] ?? '(no output)'}`);
  return `${input.leaf.prompt}\n\n# Results of earlier steps\n\n${sections.join('\n\n')}`;
}

/**
 * The contexts the leaf may reach, by name and size: their text is not in the prompt, only in the
 * memory store behind the memory_* tools. Sizes are the loaded version's, so identical leaves over
 * the same text still send identical requests.
 */
function memoryLines(memory: LeafMemory): string[] {
  const listed = memory.contexts.map((context) => `- ${context.name}: ${context.lines} lines, ${context.bytes} bytes`);
  return [
    'Large context is held in memory, outside this conversation; reach it only with the memory_* tools (search, peek, chunk, diff, sub_query):',
    ...listed,
    'Collect the lines your answer rests on with memory_evidence and cite their ids (E1, E2, …) in finish.',
  ];
}
