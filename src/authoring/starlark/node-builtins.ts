import { AGENT_TYPES, ISOLATIONS, LEAF_MODES, TOURNAMENT_ORDERINGS, TOURNAMENT_SELECTIONS, type NodeKind } from '../../ir/index.js';
import { StarlarkError } from '../../starlark/index.js';
import { AGENT_TYPE_ALIASES, shorthandLeafFields, type LeafShorthand } from '../leaf-shorthands.js';
import {
  asBool, asCondition, asEnum, asInt, asLeafMemory, asNode, asNodeList, asNumber, asObjectives, asRecord, asReference, asReferenceList, asString, asStringList,
} from './convert-arguments.js';
import { parameter, type Parameter } from './keyword-parameters.js';

/** Budget fields that may also be given as keyword arguments (`max_tokens = 1000`). */
export const BUDGET_KEYWORDS = ['max_steps', 'timeout_secs', 'max_parallel', 'max_tokens', 'max_cost_microusd', 'max_leaves'] as const;

export const budgetParameters: readonly Parameter[] = [parameter('budget', asRecord), ...BUDGET_KEYWORDS.map((name) => parameter(name, asInt))];
const policyParameters = [parameter('permissions', asRecord), parameter('model_policy', asRecord)];
const idParameter = parameter('id', asString, true);

const leafParameters: readonly Parameter[] = [
  parameter('mode', asEnum(LEAF_MODES)),
  parameter('isolation', asEnum(ISOLATIONS)),
  parameter('file_scope', asStringList),
  parameter('depends_on_results', asReferenceList),
  ...budgetParameters,
  ...policyParameters,
  parameter('role', asString),
  parameter('expect_exit', asInt),
  parameter('memory', asLeafMemory),
];

/** `memory(id, files = [...] | command = "..." | node = n | document = "...")`: the one source becomes `source`. */
const MEMORY_SOURCES = ['files', 'command', 'node', 'document'] as const;

function memorySource(fields: Map<string, unknown>): void {
  const given = MEMORY_SOURCES.filter((name) => fields.has(name));
  if (given.length !== 1) {
    throw new StarlarkError(`memory needs exactly one source: files = [...], command = "...", node = <node>, or document = "..."${given.length > 1 ? ` (got ${given.join(' and ')})` : ''}`);
  }
  const [kind] = given as [(typeof MEMORY_SOURCES)[number]];
  fields.set('source', { [kind]: fields.get(kind) });
  fields.delete(kind);
}

/** One node builtin: its IR kind, its keyword parameters and how the fields are completed. */
export interface NodeBuiltinDefinition {
  readonly name: string;
  readonly kind: NodeKind;
  readonly parameters: readonly Parameter[];
  /** Derives fields (shorthand prompts, upstream defaults) and checks rules between fields. */
  readonly complete?: (fields: Map<string, unknown>) => void;
}

function shorthand(name: LeafShorthand, textParameter: 'query' | 'command'): NodeBuiltinDefinition {
  return {
    name,
    kind: 'leaf',
    parameters: [idParameter, parameter(textParameter, asString, true), ...leafParameters],
    complete(fields) {
      const derived = shorthandLeafFields(name, fields.get(textParameter) as string);
      fields.delete('query');
      fields.set('prompt', derived.prompt);
      fields.set('agent_type', derived.agent_type);
      if (derived.command !== undefined) fields.set('command', derived.command);
    },
  };
}

/** loop_until and when take a free-text `condition`, a structured one, or both. */
function requireCondition(structured: 'until' | 'when', builtin: string) {
  return (fields: Map<string, unknown>): void => {
    if (!fields.has('condition') && !fields.has(structured)) {
      throw new StarlarkError(`${builtin} needs condition = "..." or ${structured} = {"tests_pass": [...]} / {"judge": "..."}`);
    }
  };
}

/** The node builtins of the upstream surface plus WhaleFlow's pareto (all keyword-only). */
export const NODE_BUILTINS: readonly NodeBuiltinDefinition[] = [
  {
    name: 'agent',
    kind: 'leaf',
    parameters: [idParameter, parameter('prompt', asString, true), parameter('agent_type', asEnum(AGENT_TYPES, AGENT_TYPE_ALIASES)), parameter('command', asString), ...leafParameters],
  },
  shorthand('search', 'query'),
  shorthand('test', 'command'),
  shorthand('shell', 'command'),
  {
    name: 'branch',
    kind: 'branch_set',
    parameters: [idParameter, parameter('children', asNodeList, true), parameter('parallel', asBool), parameter('description', asString), ...budgetParameters, ...policyParameters],
    complete(fields) {
      // Upstream's branch() means a parallel fan-out unless told otherwise (raw IR defaults to false).
      if (!fields.has('parallel')) fields.set('parallel', true);
    },
  },
  { name: 'sequence', kind: 'sequence', parameters: [idParameter, parameter('children', asNodeList, true)] },
  {
    name: 'reduce',
    kind: 'reduce',
    parameters: [idParameter, parameter('prompt', asString, true), parameter('inputs', asReferenceList), parameter('model_policy', asRecord), parameter('role', asString)],
  },
  { name: 'teacher_review', kind: 'teacher_review', parameters: [idParameter, parameter('candidates', asReferenceList), parameter('promotion_policy', asRecord)] },
  {
    name: 'tournament',
    kind: 'tournament',
    parameters: [
      idParameter,
      parameter('candidates', asReferenceList),
      parameter('by', asEnum(TOURNAMENT_SELECTIONS)),
      parameter('min_score', asNumber),
      parameter('ordering', asEnum(TOURNAMENT_ORDERINGS)),
      parameter('judge', asString),
      parameter('role', asString),
    ],
  },
  {
    name: 'pareto',
    kind: 'pareto',
    parameters: [idParameter, parameter('candidates', asReferenceList), parameter('objectives', asObjectives), parameter('max_items', asInt)],
  },
  {
    name: 'memory',
    kind: 'memory',
    parameters: [
      idParameter,
      parameter('files', asStringList),
      parameter('command', asString),
      parameter('node', asReference),
      parameter('document', asString),
      parameter('name', asString),
      parameter('file_scope', asStringList),
      parameter('max_bytes', asInt),
      parameter('description', asString),
    ],
    complete: memorySource,
  },
  {
    name: 'loop_until',
    kind: 'loop_until',
    parameters: [idParameter, parameter('children', asNodeList, true), parameter('condition', asString), parameter('max_iterations', asInt), parameter('until', asCondition)],
    complete: requireCondition('until', 'loop_until'),
  },
  {
    name: 'when',
    kind: 'cond',
    parameters: [idParameter, parameter('then_nodes', asNodeList, true), parameter('else_nodes', asNodeList), parameter('condition', asString), parameter('when', asCondition)],
    complete: requireCondition('when', 'when'),
  },
  {
    name: 'expand',
    kind: 'expand',
    parameters: [idParameter, parameter('source', asString, true), parameter('max_children', asInt), parameter('template', asNode), parameter('role', asString)],
  },
];

/** Folds `max_tokens = ...` style keywords into the `budget` dict; giving one both ways is an error. */
export function foldBudgetKeywords(fields: Map<string, unknown>): void {
  const given = BUDGET_KEYWORDS.filter((name) => fields.has(name));
  if (given.length === 0) return;
  const budget: Record<string, unknown> = { ...((fields.get('budget') as Record<string, unknown> | undefined) ?? {}) };
  for (const name of given) {
    if (Object.hasOwn(budget, name)) throw new StarlarkError(`${name} is given both as a keyword and in budget`);
    budget[name] = fields.get(name);
    fields.delete(name);
  }
  fields.set('budget', budget);
}
