import type { MemoUsage, MemorySource, Usage } from '../../ir/index.js';
import type { GatewayRequest, GatewayResponse } from './model-gateway.js';

/**
 * External memory as the engine sees it (docs/memory.md). The store lives behind this port
 * (src/memory/ implements it over the project database); the engine decides what a node may do,
 * records every load and every operation as an effect, and never reads the store itself, so a
 * replay, which serves those effects from the trace, needs no store at all.
 */

/** One context as a memory node loaded it: what every later operation on it addresses. */
export interface LoadedContext {
  /** The name in the project's store. */
  readonly name: string;
  /** sha256 of the text: operations address this version, whatever the store holds later. */
  readonly hash: string;
  readonly bytes: number;
  readonly lines: number;
  /** For a files source: where each file starts in the context (1-based line of its header). */
  readonly files?: readonly { readonly path: string; readonly bytes: number; readonly line: number }[];
}

export interface MemoryLoadRequest {
  readonly runId: string;
  readonly nodeId: string;
  /** The store name the context is saved under. */
  readonly name: string;
  readonly source: MemorySource;
  /** For a `node` source: the producer's output. */
  readonly nodeOutput?: string | null;
  /** Globs the node may read; empty means the whole workspace (WhaleFlow's own state excepted). */
  readonly fileScope: readonly string[];
  /** For a `command` source. */
  readonly allowNetwork: boolean;
  readonly maxBytes?: number;
}

/** A line range, 1-based and inclusive. */
export interface LineRange {
  readonly start_line: number;
  readonly end_line: number;
}

/** The operations, over contexts of type C (a name as the leaf asks, or a loaded version as the store is asked). */
export type MemoryOperationOver<C> =
  | { readonly op: 'peek'; readonly context: C; readonly start_line: number; readonly end_line?: number }
  | { readonly op: 'search'; readonly context: C; readonly pattern: string; readonly ignore_case?: boolean; readonly max_results?: number }
  | { readonly op: 'chunk'; readonly context: C; readonly max_chars?: number; readonly from?: number }
  | { readonly op: 'diff'; readonly context: C; readonly other: C; readonly max_lines?: number }
  | { readonly op: 'evidence'; readonly context: C; readonly start_line: number; readonly end_line: number; readonly note?: string }
  | { readonly op: 'sub_query'; readonly context: C; readonly start_line: number; readonly end_line: number; readonly question: string }
  | { readonly op: 'write'; readonly context: C; readonly text: string; readonly append?: boolean };

/**
 * What a leaf may ask for, by the name it knows a context under (its memory node's id). The
 * engine resolves the name to the loaded version and checks the leaf declared it.
 */
export type MemoryOperation = MemoryOperationOver<string>;
export type MemoryOperationName = MemoryOperation['op'];

/** An operation with its contexts resolved to loaded versions: what the store is asked. */
export type ResolvedMemoryOperation = MemoryOperationOver<LoadedContext>;

/** What an operation returns: the text the model sees and structured facts for telemetry. */
export interface MemoryOperationOutcome {
  readonly output: string;
  readonly data: Readonly<Record<string, unknown>>;
}

/** The result a leaf gets back, as recorded: its text, its facts, and what a sub-query cost. */
export interface MemoryOperationResult extends MemoryOperationOutcome {
  readonly usage: Usage;
  readonly memo_usage: MemoUsage;
}

export interface MemoryPort {
  /** Reads the source (files, a command, a node's output, a stored document) into the store. */
  load(request: MemoryLoadRequest, signal: AbortSignal): Promise<LoadedContext>;
  /** Performs one operation on loaded versions (sub_query excepted: that is a model call the engine makes). */
  operate(operation: Exclude<ResolvedMemoryOperation, { op: 'sub_query' }>, signal: AbortSignal): Promise<MemoryOperationOutcome>;
  /** The text of a line range, for a sub-query's prompt. */
  text(context: LoadedContext, range: LineRange, signal: AbortSignal): Promise<string>;
  /** Limits the engine applies to leaves. */
  readonly limits: MemoryLimits;
}

export interface MemoryLimits {
  /** Sub-queries per leaf when the leaf sets no max_sub_queries. */
  readonly maxSubQueries: number;
  /** Characters of context one sub-query may carry. */
  readonly maxSubQueryChars: number;
}

/** The memory a leaf was given: only what it declared, only as it declared it. */
export interface LeafMemory {
  /** The contexts it may use, by the name it knows them under, with their sizes. */
  readonly contexts: readonly { readonly name: string; readonly bytes: number; readonly lines: number }[];
  readonly access: 'read' | 'write';
  /**
   * Performs one operation through the recorded boundary. Refusals (a context the leaf did not
   * declare, a write without `access: write`, too many sub-queries) throw MemoryRefusedError;
   * an operation that fails on the text (a bad regex, a line past the end) throws MemoryOperationError.
   */
  perform(operation: MemoryOperation): Promise<MemoryOperationResult>;
}

/** A model call of a sub-query: the engine's gateway, as the memory handler is given it. */
export type SubQueryModel = (request: GatewayRequest, signal: AbortSignal) => Promise<GatewayResponse>;

/** The leaf asked for something its declaration does not allow; nothing was performed or recorded. */
export class MemoryRefusedError extends Error {
  override readonly name = 'MemoryRefusedError';
}

/** The operation ran and failed on the text (recorded like a success, so replay fails alike). */
export class MemoryOperationError extends Error {
  override readonly name = 'MemoryOperationError';
}
