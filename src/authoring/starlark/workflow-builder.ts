import type { SpecSource } from '../../ir/index.js';
import { Builtin, None, StarlarkError, type BuiltinCall, type Value } from '../../starlark/index.js';
import { formatPosition, type Diagnostic, type SourcePosition } from '../../util/index.js';
import { asNodeList, asRecord, asString } from './convert-arguments.js';
import { createCtx } from './ctx-aliases.js';
import { parameter, unpackKeywords } from './keyword-parameters.js';
import { budgetParameters, foldBudgetKeywords, NODE_BUILTINS, type NodeBuiltinDefinition } from './node-builtins.js';
import { WorkflowNode } from './workflow-node.js';

const WORKFLOW_PARAMETERS = [
  parameter('goal', asString, true),
  parameter('nodes', asNodeList),
  parameter('id', asString),
  parameter('description', asString),
  ...budgetParameters,
  parameter('permissions', asRecord),
  parameter('model_policy', asRecord),
  parameter('promotion_policy', asRecord),
];

interface WorkflowCall {
  readonly position: SourcePosition;
  readonly fields: Map<string, unknown>;
}

/**
 * The state of one `.star` compile: the builtins the file sees, the one `workflow()` call,
 * every node created, and warnings (aliases used, nodes left out).
 */
export class WorkflowBuilder {
  private workflowCall: WorkflowCall | undefined;
  private readonly created: WorkflowNode[] = [];
  readonly warnings: Diagnostic[] = [];

  /** The names a workflow file sees besides the Starlark universe. */
  predeclared(): Record<string, Value> {
    const names: Record<string, Value> = { workflow: new Builtin('workflow', (call) => this.workflow(call)) };
    for (const definition of NODE_BUILTINS) names[definition.name] = new Builtin(definition.name, (call) => this.node(definition, call));
    names.ctx = createCtx(names, (call, canonical) => this.warn(call.position, 'starlark-alias', `${call.name} is an alias; write ${canonical}`));
    return names;
  }

  private node(definition: NodeBuiltinDefinition, call: BuiltinCall): Value {
    const fields = unpackKeywords(call, definition.parameters);
    foldBudgetKeywords(fields);
    definition.complete?.(fields);
    const node = new WorkflowNode(definition.kind, fields.get('id') as string, fields, call.position);
    this.created.push(node);
    return node;
  }

  private workflow(call: BuiltinCall): Value {
    if (this.workflowCall) {
      throw new StarlarkError(`workflow() is called twice; the first call is at ${formatPosition(this.workflowCall.position)} (a file defines one workflow)`);
    }
    const fields = unpackKeywords(call, WORKFLOW_PARAMETERS);
    foldBudgetKeywords(fields);
    this.workflowCall = { position: call.position, fields };
    return None;
  }

  private warn(position: SourcePosition, code: string, message: string): void {
    this.warnings.push({ severity: 'warning', code, message, position });
  }

  /** The raw IR document, with positions recorded; a diagnostic when workflow() was never called. */
  document(file: string, source: SpecSource): { document: unknown } | { diagnostic: Diagnostic } {
    const call = this.workflowCall;
    if (!call) {
      return {
        diagnostic: {
          severity: 'error',
          code: 'starlark-no-workflow',
          message: 'the file never calls workflow(goal = "...", nodes = [...])',
          position: { file, line: 1, column: 1 },
        },
      };
    }
    const reached = new Set<WorkflowNode>();
    const visit = (node: WorkflowNode) => reached.add(node);
    source.record([], call.position);
    const document: Record<string, unknown> = {};
    for (const [field, value] of call.fields) {
      source.record([field], call.position);
      document[field] = field === 'nodes' ? (value as WorkflowNode[]).map((node, index) => node.toRaw(['nodes', index], source, visit)) : value;
    }
    for (const node of this.created) {
      if (!reached.has(node)) this.warn(node.position, 'starlark-unused-node', `node "${node.id}" is created but never placed in the workflow's nodes or a container's children`);
    }
    return { document };
  }
}
