import { z } from 'zod';
import { WhaleflowError, type SecretRedactor } from '../util/index.js';
import { MEMORY_NAME_PATTERN } from '../ir/index.js';
import { sha256, splitText } from './context-text.js';
import type { SqliteMemoryStore } from './sqlite-memory-store.js';

/** The exported form of memory contexts: a versioned JSON document (`whaleflow memory export`). */
export const MEMORY_DOCUMENT_FORMAT = 'whaleflow-memory';
export const MEMORY_DOCUMENT_VERSION = 1;

const exportedContextSchema = z
  .object({
    name: z.string().regex(MEMORY_NAME_PATTERN),
    pinned: z.boolean().default(false),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    bytes: z.number().int().nonnegative(),
    lines: z.number().int().nonnegative(),
    text: z.string(),
  })
  .strict();

const memoryDocumentSchema = z
  .object({
    format: z.literal(MEMORY_DOCUMENT_FORMAT),
    version: z.literal(MEMORY_DOCUMENT_VERSION),
    contexts: z.array(exportedContextSchema),
  })
  .strict();

export type MemoryDocument = z.infer<typeof memoryDocumentSchema>;

/** A memory document that cannot be imported, with the reason. */
export class MemoryDocumentError extends WhaleflowError {
  override readonly name = 'MemoryDocumentError';
}

/**
 * The current version of each named context (or of every context), with its text. With a
 * redactor, a text stored before redaction covered memory is redacted here and its sha256,
 * bytes and lines describe the redacted text, so the document still imports.
 */
export function exportMemory(store: SqliteMemoryStore, name?: string, redactor?: SecretRedactor): MemoryDocument {
  const contexts = name === undefined ? store.list() : [store.context(name)].filter((context) => context !== undefined);
  if (name !== undefined && contexts.length === 0) throw new MemoryDocumentError(`no memory context named "${name}" in this repository`);
  return {
    format: MEMORY_DOCUMENT_FORMAT,
    version: MEMORY_DOCUMENT_VERSION,
    contexts: contexts.map((context) => {
      const text = store.fullText(context.hash);
      const redacted = redactor ? redactor.redactString(text) : text;
      if (redacted === text) return { name: context.name, pinned: context.pinned, sha256: context.hash, bytes: context.bytes, lines: context.lines, text };
      const split = splitText(redacted);
      return { name: context.name, pinned: context.pinned, sha256: split.hash, bytes: split.bytes, lines: split.lines, text: redacted };
    }),
  };
}

/**
 * Reads a memory document and stores each context as a new version (origin `import`), pinned
 * as exported. Checked before anything is stored: the shape, and that every text still hashes to
 * its recorded sha256, so a truncated or edited file is refused whole.
 */
export function importMemory(store: SqliteMemoryStore, json: string, file: string, redactor?: SecretRedactor): { name: string; bytes: number; lines: number }[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    throw new MemoryDocumentError(`${file}: not JSON (${(error as Error).message})`);
  }
  const result = memoryDocumentSchema.safeParse(parsed);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new MemoryDocumentError(`${file}: not a WhaleFlow memory document (${issue.path.join('.') || 'document'}: ${issue.message})`);
  }
  const texts = result.data.contexts.map((context) => {
    if (sha256(context.text) !== context.sha256) throw new MemoryDocumentError(`${file}: the text of "${context.name}" does not match its sha256; the file is damaged or was edited`);
    // Checked as written, stored redacted: an imported document never puts a known secret in the store.
    return { context, text: splitText(redactor ? redactor.redactString(context.text) : context.text) };
  });
  return texts.map(({ context, text }) => {
    store.saveVersion({ name: context.name, text, origin: 'import' });
    if (context.pinned) store.pin(context.name, true);
    return { name: context.name, bytes: text.bytes, lines: text.lines };
  });
}
