import { emptyMemoUsage, emptyUsage, type LeafSpec } from '../../ir/index.js';
import { sha256Hex } from '../../util/index.js';
import {
  MemoryOperationError,
  MemoryRefusedError,
  type EffectRequest,
  type EffectResult,
  type LeafMemory,
  type LeafRunContext,
  type LoadedContext,
  type MemoryOperation,
  type MemoryOperationResult,
  type MemoryPort,
  type ResolvedMemoryOperation,
} from '../contracts/index.js';
import { stableJson } from '../effects/decision-key.js';
import { performNestedEffect } from '../effects/perform-effect.js';
import type { NodeContext } from '../run/run-context.js';
import { leafRole } from './leaf-role.js';
import { errorMessage } from './node-result.js';

/** What a sub-query model call is told; the excerpt and the question follow. */
export const SUB_QUERY_SYSTEM =
  'You answer one question about an excerpt of a larger document. Use only the excerpt; each line starts with its line number and a tab. Cite line numbers for what you state, and say so when the excerpt does not contain the answer.';

/**
 * The memory a leaf was given, for one attempt of its effect. The authority is here, not in the
 * leaf runner: the model names a context and the engine checks the leaf declared it, that a write
 * is allowed, and that the sub-query allowance is not spent, before anything is performed. Every
 * operation is then one nested effect (recorded in its own slot within the leaf's effect), and a
 * sub-query's usage is charged to the leaf's budgets as it is paid.
 */
export class LeafMemoryAccess implements LeafMemory {
  readonly contexts: LeafMemory['contexts'];
  readonly access: 'read' | 'write';
  private ordinal = 0;
  private subQueries = 0;
  private evidence = 0;
  private readonly maxSubQueries: number;

  constructor(
    private readonly context: NodeContext,
    private readonly leaf: LeafSpec,
    private readonly loaded: ReadonlyMap<string, LoadedContext>,
    private readonly port: MemoryPort | undefined,
    private readonly enclosing: EffectRequest,
    private readonly reporter: LeafRunContext,
  ) {
    const declared = leaf.memory!;
    this.access = declared.access;
    this.contexts = declared.contexts.map((name) => {
      const version = loaded.get(name)!;
      return { name, bytes: version.bytes, lines: version.lines };
    });
    this.maxSubQueries = declared.max_sub_queries ?? port?.limits.maxSubQueries ?? 0;
  }

  async perform(operation: MemoryOperation): Promise<MemoryOperationResult> {
    const resolved = this.authorize(operation);
    const evidenceId = operation.op === 'evidence' ? `E${++this.evidence}` : undefined;
    const input = { op: operation.op, ...describeArguments(resolved), ...(evidenceId ? { evidence_id: evidenceId } : {}) };
    const key = sha256Hex(stableJson(input));
    const ordinal = this.ordinal++;
    const { result } = await performNestedEffect(this.context, { kind: 'memory', key, nodeId: this.leaf.id, input }, this.enclosing, ordinal, () =>
      this.live(resolved, evidenceId),
    );
    const usage = result.usage;
    // Charged whether paid now or served from a trace: the leaf's result reports the same total either way.
    if (usage.input_tokens + usage.output_tokens > 0 || (usage.cost_microusd ?? 0) > 0) {
      this.reporter.spend({ inputTokens: usage.input_tokens, outputTokens: usage.output_tokens, costMicrousd: usage.cost_microusd });
    }
    if (result.status !== 'succeeded') throw new MemoryOperationError(result.error ?? `memory ${operation.op} failed`);
    return { output: result.output ?? '', data: (result.data ?? {}) as Record<string, unknown>, usage, memo_usage: result.memo_usage };
  }

  /** The model's request checked against the leaf's declaration; names resolved to loaded versions. */
  private authorize(operation: MemoryOperation): ResolvedMemoryOperation {
    const version = this.version(operation.context);
    switch (operation.op) {
      case 'write':
        if (this.access !== 'write') throw new MemoryRefusedError(`leaf "${this.leaf.id}" may only read its memory contexts (it declares memory access "read")`);
        return { ...operation, context: version };
      case 'sub_query':
        if (this.subQueries >= this.maxSubQueries) {
          throw new MemoryRefusedError(`leaf "${this.leaf.id}" has used its ${this.maxSubQueries} sub-quer${this.maxSubQueries === 1 ? 'y' : 'ies'}; answer from what you have`);
        }
        this.subQueries += 1;
        return { ...operation, context: version };
      case 'diff':
        return { ...operation, context: version, other: this.version(operation.other) };
      case 'peek':
      case 'search':
      case 'chunk':
      case 'evidence':
        return { ...operation, context: version };
    }
  }

  private version(name: string): LoadedContext {
    const version = this.leaf.memory!.contexts.includes(name) ? this.loaded.get(name) : undefined;
    if (!version) {
      const declared = this.leaf.memory!.contexts.map((context) => JSON.stringify(context)).join(', ');
      throw new MemoryRefusedError(`context ${JSON.stringify(name)} is not available to this leaf (it may use ${declared})`);
    }
    return version;
  }

  private async live(operation: ResolvedMemoryOperation, evidenceId: string | undefined): Promise<EffectResult> {
    const port = this.port;
    if (!port) return operationFailed('external memory is not enabled: set memory.enabled: true in whaleflow.config.yaml');
    const signal = this.context.scope.signal;
    try {
      if (operation.op === 'sub_query') return await this.subQuery(port, operation, signal);
      const outcome = await port.operate(operation, signal);
      const data = evidenceId ? { ...outcome.data, evidence_id: evidenceId } : outcome.data;
      const output = evidenceId ? `${evidenceId}: ${outcome.output}` : outcome.output;
      return { status: 'succeeded', output, data, usage: emptyUsage(), memo_usage: emptyMemoUsage() };
    } catch (error) {
      if (this.context.scope.reason || !(error instanceof MemoryOperationError)) throw error;
      return operationFailed(error.message);
    }
  }

  /** A recursive model call over one line range, in role `memory` (else the leaf's role). */
  private async subQuery(port: MemoryPort, operation: Extract<ResolvedMemoryOperation, { op: 'sub_query' }>, signal: AbortSignal): Promise<EffectResult> {
    const text = await port.text(operation.context, { start_line: operation.start_line, end_line: operation.end_line }, signal);
    const limit = port.limits.maxSubQueryChars;
    if (text.length > limit) {
      return operationFailed(
        `lines ${operation.start_line}-${operation.end_line} hold ${text.length} characters, more than one sub-query may carry (${limit}); pick a smaller range (memory_chunk lists ranges that fit)`,
      );
    }
    const role = this.leaf.memory!.role ?? 'memory';
    try {
      const response = await this.context.run.settings.gateway.complete(
        {
          role,
          fallbackRole: leafRole(this.leaf),
          system: SUB_QUERY_SYSTEM,
          prompt: `Excerpt: lines ${operation.start_line}-${operation.end_line} of "${operation.context.name}"\n\n${text}\n\nQuestion: ${operation.question}`,
          responseFormat: 'text',
          nodeId: this.leaf.id,
          modelPolicy: this.leaf.model_policy,
        },
        signal,
      );
      return {
        status: 'succeeded',
        output: response.text,
        data: { op: 'sub_query', context: operation.context.name, start_line: operation.start_line, end_line: operation.end_line, chars: text.length, ...(response.route ? { route: response.route } : {}) },
        usage: response.usage,
        memo_usage: response.memo_usage,
      };
    } catch (error) {
      if (this.context.scope.reason) throw error;
      return operationFailed(`sub-query failed: ${errorMessage(error)}`);
    }
  }
}

function operationFailed(error: string): EffectResult {
  return { status: 'failed', output: null, error, usage: emptyUsage(), memo_usage: emptyMemoUsage() };
}

/** The recorded input of an operation: its arguments with each context as name and version hash. */
function describeArguments(operation: ResolvedMemoryOperation): Record<string, unknown> {
  const { op: _op, context, ...rest } = operation;
  const args: Record<string, unknown> = { ...rest, context: { name: context.name, sha256: context.hash } };
  if (operation.op === 'diff') args.other = { name: operation.other.name, sha256: operation.other.hash };
  if (operation.op === 'write') {
    // The text a leaf writes can be large: the key carries its hash, the result its size.
    delete args.text;
    args.text_sha256 = sha256Hex(operation.text);
    args.text_bytes = Buffer.byteLength(operation.text);
  }
  return args;
}
