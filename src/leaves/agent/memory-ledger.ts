import { addUsage, emptyUsage, type Usage } from '../../ir/index.js';
import type { LeafMemory, MemoryOperationResult } from '../../engine/index.js';

/** Bytes per token when estimating prompt sizes (labelled an estimate wherever it is shown). */
export const BYTES_PER_TOKEN_ESTIMATE = 4;

/** A piece of a context the leaf collected as evidence; its final answer may cite it by id. */
export interface CollectedEvidence {
  readonly id: string;
  readonly context: string;
  readonly start_line: number;
  readonly end_line: number;
  readonly sha256: string;
  readonly note?: string;
}

/** What an agent leaf reports about its memory use in `data.memory`. */
export interface LeafMemoryUse {
  readonly contexts: Readonly<Record<string, { readonly operations: number; readonly bytes_returned: number; readonly context_bytes: number }>>;
  readonly operations: number;
  readonly operations_by_kind: Readonly<Record<string, number>>;
  readonly bytes_returned: number;
  readonly sub_queries: number;
  readonly sub_query_usage: Usage;
  readonly evidence: readonly CollectedEvidence[];
  readonly citations: readonly CollectedEvidence[];
  /**
   * An estimate (4 bytes a token): prompt tokens the leaf's model calls would have carried had every
   * declared context been inlined in each of them, and what the memory results they carried instead
   * cost. `tokens_avoided_estimate` is the difference.
   */
  readonly inline_tokens_estimate: number;
  readonly memory_result_tokens_estimate: number;
  readonly tokens_avoided_estimate: number;
}

/**
 * Counts one agent leaf's memory use as its tools report it: operations, bytes returned into the
 * conversation, sub-query usage, evidence; and, once per model call, what inlining the contexts
 * would have cost, for the tokens-avoided estimate.
 */
export class MemoryLedger {
  private readonly perContext = new Map<string, { operations: number; bytes_returned: number; context_bytes: number }>();
  private readonly byKind = new Map<string, number>();
  private operations = 0;
  private bytesReturned = 0;
  private subQueries = 0;
  private subQueryUsage = emptyUsage();
  private inlineTokens = 0;
  private resultTokens = 0;
  readonly evidence: CollectedEvidence[] = [];
  private citations: CollectedEvidence[] = [];

  constructor(readonly memory: LeafMemory) {
    for (const context of memory.contexts) this.perContext.set(context.name, { operations: 0, bytes_returned: 0, context_bytes: context.bytes });
  }

  /** Before each model call: the conversation now carries every memory result so far. */
  noteModelCall(): void {
    const contextBytes = this.memory.contexts.reduce((sum, context) => sum + context.bytes, 0);
    this.inlineTokens += Math.ceil(contextBytes / BYTES_PER_TOKEN_ESTIMATE);
    this.resultTokens += Math.ceil(this.bytesReturned / BYTES_PER_TOKEN_ESTIMATE);
  }

  record(op: string, contexts: readonly string[], result: MemoryOperationResult, shownText: string): void {
    this.operations += 1;
    this.byKind.set(op, (this.byKind.get(op) ?? 0) + 1);
    const bytes = Buffer.byteLength(shownText);
    this.bytesReturned += bytes;
    for (const name of contexts) {
      const entry = this.perContext.get(name);
      if (!entry) continue;
      entry.operations += 1;
      entry.bytes_returned += bytes;
    }
    if (op === 'sub_query') {
      this.subQueries += 1;
      this.subQueryUsage = addUsage(this.subQueryUsage, result.usage);
    }
    if (op === 'evidence') {
      const data = result.data as Partial<CollectedEvidence> & { evidence_id?: string };
      if (data.evidence_id && data.context && data.start_line !== undefined && data.end_line !== undefined && data.sha256) {
        this.evidence.push({ id: data.evidence_id, context: contexts[0]!, start_line: data.start_line, end_line: data.end_line, sha256: data.sha256, ...(data.note ? { note: data.note } : {}) });
      }
    }
  }

  /** Checks the ids a final answer cites; unknown ids are the model's mistake. */
  cite(ids: readonly string[]): string | undefined {
    const unknown = ids.filter((id) => !this.evidence.some((entry) => entry.id === id));
    if (unknown.length > 0) {
      const known = this.evidence.map((entry) => entry.id).join(', ') || 'none yet';
      return `citations name unknown evidence ${unknown.join(', ')} (collected: ${known}); collect evidence with memory_evidence first`;
    }
    this.citations = ids.map((id) => this.evidence.find((entry) => entry.id === id)!);
    return undefined;
  }

  /** The usage of sub-queries, which the leaf's result includes (the engine charged it as it was paid). */
  get subQuerySpend(): Usage {
    return this.subQueryUsage;
  }

  summary(): LeafMemoryUse {
    return {
      contexts: Object.fromEntries(this.perContext),
      operations: this.operations,
      operations_by_kind: Object.fromEntries(this.byKind),
      bytes_returned: this.bytesReturned,
      sub_queries: this.subQueries,
      sub_query_usage: this.subQueryUsage,
      evidence: this.evidence,
      citations: this.citations,
      inline_tokens_estimate: this.inlineTokens,
      memory_result_tokens_estimate: this.resultTokens,
      tokens_avoided_estimate: Math.max(0, this.inlineTokens - this.resultTokens),
    };
  }
}
