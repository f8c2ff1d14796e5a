import { MemoryOperationError, MemoryRefusedError, type MemoryOperation } from '../../../engine/index.js';
import type { ToolDefinition } from '../../../providers/index.js';
import type { AgentTool, ToolEnvironment } from './agent-tool.js';
import { optionalIntegerArgument, optionalStringArgument, stringArgument } from './tool-arguments.js';
import { ToolError } from './tool-error.js';

type Parameters = ToolDefinition['parameters'];

const lineNumber = (description: string) => ({ type: 'integer', minimum: 1, description });

/**
 * The memory tools: each turns the model's arguments into one MemoryOperation for the engine,
 * which checks the leaf declared the context (the model's choice of name is never authority),
 * records the operation and returns its text. Offered only to leaves that declare memory, with
 * the declared names as the only values `context` may take.
 */
export function memoryTools(contexts: readonly string[], access: 'read' | 'write'): AgentTool[] {
  const context = { type: 'string', enum: [...contexts], description: 'Name of a memory context this task was given' };
  const tools = [
    tool(
      'memory_peek',
      'Read a range of lines (1-based, inclusive) of a memory context; each line is prefixed with its number and a tab.',
      { context, start_line: lineNumber('First line'), end_line: lineNumber('Last line; default a page') },
      ['context', 'start_line'],
      (_args, read) => ({ op: 'peek', context: read.context(), start_line: read.integer('start_line')!, ...optional('end_line', read.integer('end_line', false)) }),
    ),
    tool(
      'memory_search',
      'Find the lines of a memory context matching a regular expression (RE2 syntax: linear time, no backreferences or lookaround). Returns "line: text" per match.',
      {
        context,
        pattern: { type: 'string', description: 'Regular expression, matched within each line' },
        ignore_case: { type: 'boolean', description: 'Case-insensitive; default false' },
        max_results: { type: 'integer', minimum: 1, description: 'Maximum matches; default 50' },
      },
      ['context', 'pattern'],
      (args, read) => ({
        op: 'search',
        context: read.context(),
        pattern: read.text('pattern'),
        ...optional('ignore_case', args.ignore_case === true ? true : undefined),
        ...optional('max_results', read.integer('max_results', false)),
      }),
    ),
    tool(
      'memory_chunk',
      'Split a memory context into consecutive line ranges of at most max_chars characters each (sized for memory_sub_query) and list them.',
      { context, max_chars: { type: 'integer', minimum: 1000, description: 'Characters per chunk; default 16000' }, from: { type: 'integer', minimum: 0, description: 'First chunk to list; default 0' } },
      ['context'],
      (_args, read) => ({ op: 'chunk', context: read.context(), ...optional('max_chars', read.integer('max_chars', false)), ...optional('from', read.integer('from', false, 0)) }),
    ),
    tool(
      'memory_diff',
      'Line differences between two memory contexts.',
      { context, other: { ...context, description: 'The context to compare with' }, max_lines: { type: 'integer', minimum: 1, description: 'Maximum diff lines; default 200' } },
      ['context', 'other'],
      (_args, read) => ({ op: 'diff', context: read.context(), other: read.text('other'), ...optional('max_lines', read.integer('max_lines', false)) }),
    ),
    tool(
      'memory_evidence',
      'Record a line range of a memory context as evidence for your answer and get its id (E1, E2, …); cite the ids in finish.',
      { context, start_line: lineNumber('First cited line'), end_line: lineNumber('Last cited line'), note: { type: 'string', description: 'What these lines show' } },
      ['context', 'start_line', 'end_line'],
      (_args, read) => ({
        op: 'evidence',
        context: read.context(),
        start_line: read.integer('start_line')!,
        end_line: read.integer('end_line')!,
        ...optional('note', read.optionalText('note')),
      }),
    ),
    tool(
      'memory_sub_query',
      'Ask a model one question about one line range of a memory context (a range memory_chunk listed fits); returns its answer.',
      { context, start_line: lineNumber('First line of the range'), end_line: lineNumber('Last line of the range'), question: { type: 'string', description: 'The question, answerable from that range' } },
      ['context', 'start_line', 'end_line', 'question'],
      (_args, read) => ({
        op: 'sub_query',
        context: read.context(),
        start_line: read.integer('start_line')!,
        end_line: read.integer('end_line')!,
        question: read.text('question'),
      }),
    ),
  ];
  if (access === 'write') {
    tools.push(
      tool(
        'memory_write',
        'Store text as a new version of a memory context (later runs can load it as a document); append adds to the version this task was given.',
        { context, text: { type: 'string', description: 'The text to store' }, append: { type: 'boolean', description: 'Append instead of replacing; default false' } },
        ['context', 'text'],
        (args, read) => ({ op: 'write', context: read.context(), text: read.text('text'), ...optional('append', args.append === true ? true : undefined) }),
      ),
    );
  }
  return tools;
}

export const MEMORY_TOOL_PREFIX = 'memory_';

function tool(toolName: string, description: string, properties: Record<string, unknown>, required: string[], build: (args: Record<string, unknown>, read: ArgumentReader) => MemoryOperation): AgentTool {
  const parameters: Parameters = { type: 'object', properties, required, additionalProperties: false };
  return {
    effect: 'memory',
    definition: { name: toolName, description, parameters },
    async run(args, environment) {
      const ledger = requireLedger(toolName, environment);
      let operation: MemoryOperation;
      try {
        operation = build(args, argumentReader(toolName, args));
      } catch (error) {
        if (error instanceof ToolError) throw error;
        throw new ToolError(toolName, (error as Error).message);
      }
      try {
        const result = await ledger.memory.perform(operation);
        ledger.record(operation.op, operation.op === 'diff' ? [operation.context, operation.other] : [operation.context], result, result.output);
        return result.output;
      } catch (error) {
        if (error instanceof MemoryRefusedError || error instanceof MemoryOperationError) throw new ToolError(toolName, error.message);
        throw error;
      }
    },
  };
}

interface ArgumentReader {
  context(): string;
  text(field: string): string;
  optionalText(field: string): string | undefined;
  integer(field: string, required?: boolean, minimum?: number): number | undefined;
}

function argumentReader(toolName: string, args: Record<string, unknown>): ArgumentReader {
  return {
    context: () => stringArgument(toolName, args, 'context'),
    text: (field) => stringArgument(toolName, args, field),
    optionalText: (field) => optionalStringArgument(toolName, args, field),
    integer(field, required = true, minimum = 1) {
      const value = optionalIntegerArgument(toolName, args, field, minimum);
      if (value === undefined && required) throw new ToolError(toolName, `argument "${field}" is required`);
      return value;
    },
  };
}

function requireLedger(toolName: string, environment: ToolEnvironment) {
  if (!environment.memory) throw new ToolError(toolName, 'this task was given no memory contexts');
  return environment.memory;
}

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}
