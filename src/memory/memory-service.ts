import {
  MemoryOperationError,
  type LineRange,
  type LoadedContext,
  type MemoryLimits,
  type MemoryLoadRequest,
  type MemoryOperationOutcome,
  type MemoryPort,
  type ResolvedMemoryOperation,
} from '../engine/index.js';
import { SecretRedactor } from '../util/index.js';
import { splitText } from './context-text.js';
import { readSource, type LoadSettings } from './load-context.js';
import { performReadOperation, readLines } from './memory-operations.js';
import type { SqliteMemoryStore } from './sqlite-memory-store.js';

export interface MemoryServiceOptions extends LoadSettings {
  readonly store: SqliteMemoryStore;
  readonly limits: MemoryLimits;
}

/**
 * The engine's MemoryPort over the project's memory store: loads sources into it, performs
 * operations on the versions runs recorded, and writes documents for leaves allowed to.
 * Everything it returns is recorded by the engine; nothing here decides what a leaf may do.
 */
export class MemoryService implements MemoryPort {
  readonly limits: MemoryLimits;
  /** Texts are stored redacted (util/secrets): a loaded file or a leaf's write never puts a known secret in the store. */
  private readonly redactor: SecretRedactor;

  constructor(private readonly options: MemoryServiceOptions) {
    this.limits = options.limits;
    this.redactor = new SecretRedactor(options.env);
  }

  async load(request: MemoryLoadRequest, signal: AbortSignal): Promise<LoadedContext> {
    const { store } = this.options;
    if (request.source.document !== undefined) return this.loadDocument(request, request.source.document);
    const loaded = await readSource(request, this.options, signal);
    const text = splitText(this.redactor.redactString(loaded.text));
    store.saveVersion({ name: request.name, text, origin: 'load', runId: request.runId, nodeId: request.nodeId, ...(loaded.files ? { files: loaded.files } : {}) });
    return { name: request.name, hash: text.hash, bytes: text.bytes, lines: text.lines, ...(loaded.files ? { files: loaded.files } : {}) };
  }

  /** A stored document: its current version, also recorded under the node's name when that differs. */
  private loadDocument(request: MemoryLoadRequest, document: string): LoadedContext {
    const { store } = this.options;
    const stored = store.context(document);
    if (!stored) throw new MemoryOperationError(`the memory store has no document "${document}" in this repository (whaleflow memory ls lists them; whaleflow memory import FILE adds one)`);
    const limit = request.maxBytes ?? this.options.maxBytes;
    if (stored.bytes > limit) throw new MemoryOperationError(`document "${document}" is larger than ${limit} bytes (max_bytes)`);
    if (request.name !== document) {
      const text = splitText(store.fullText(stored.hash));
      store.saveVersion({ name: request.name, text, origin: 'load', runId: request.runId, nodeId: request.nodeId });
    }
    return { name: request.name, hash: stored.hash, bytes: stored.bytes, lines: stored.lines };
  }

  async operate(operation: Exclude<ResolvedMemoryOperation, { op: 'sub_query' }>, signal: AbortSignal): Promise<MemoryOperationOutcome> {
    this.requireText(operation.context);
    if (operation.op === 'diff') this.requireText(operation.other);
    if (operation.op === 'write') return this.write(operation.context, operation.text, operation.append ?? false);
    return performReadOperation(this.options.store, operation, this.limits.maxSubQueryChars, signal);
  }

  async text(context: LoadedContext, range: LineRange, _signal: AbortSignal): Promise<string> {
    this.requireText(context);
    if (range.start_line < 1 || range.end_line < range.start_line || range.start_line > context.lines) {
      throw new MemoryOperationError(`lines ${range.start_line}-${range.end_line} are not a range of "${context.name}" (1-${context.lines})`);
    }
    const last = Math.min(range.end_line, context.lines);
    return readLines(this.options.store, context, range.start_line, last)
      .map((line, index) => `${range.start_line + index}\t${line}`)
      .join('\n');
  }

  /** A new version under the context's store name: the loaded version's text, replaced or appended to. */
  private write(context: LoadedContext, text: string, append: boolean): MemoryOperationOutcome {
    const { store } = this.options;
    const base = append ? store.fullText(context.hash) : '';
    const joined = append && base.length > 0 && !base.endsWith('\n') ? `${base}\n${text}` : `${base}${text}`;
    if (Buffer.byteLength(joined) > this.options.maxBytes) throw new MemoryOperationError(`the document would exceed ${this.options.maxBytes} bytes`);
    const split = splitText(this.redactor.redactString(joined));
    store.saveVersion({ name: context.name, text: split, origin: 'write' });
    const output = `wrote ${split.bytes} bytes (${split.lines} lines) to "${context.name}" (sha256 ${split.hash.slice(0, 12)}); this run keeps reading the version it loaded, later loads of document "${context.name}" get this one`;
    return { output, data: { op: 'write', context: context.name, sha256: split.hash, written_bytes: split.bytes, append, bytes: Buffer.byteLength(output) } };
  }

  /** A recorded version whose text is gone (memory clear while the run was away) cannot be operated on live. */
  private requireText(context: LoadedContext): void {
    if (!this.options.store.hasText(context.hash)) {
      throw new MemoryOperationError(`the text of context "${context.name}" (sha256 ${context.hash.slice(0, 12)}) is no longer in the memory store; run the workflow again to reload it`);
    }
  }
}
