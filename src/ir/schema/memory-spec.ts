import { z } from 'zod';
import { EMPTY_LIST } from './empty-list.js';
import { enumSchemas } from './enums.js';
import { lazySchema, once } from '../../util/lazy-schema.js';

/**
 * External memory (WhaleFlow extension; docs/memory.md). A `memory` node loads one named context
 * into the project's memory store; a leaf that declares the context in `memory.contexts` is given
 * operations over it (peek, search, chunk, diff, evidence, sub_query) instead of its text.
 */

/** A context name: what leaves and `whaleflow memory` call it; also a safe store key. */
export const MEMORY_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_.-]{0,99}$/;

/** Built on first use (util/lazy-schema.ts). */
export const memorySchemas = once(() => {
  const memoryName = z.string().regex(MEMORY_NAME_PATTERN, 'a memory context name is a letter followed by letters, digits, ".", "_" or "-" (at most 100)');
  const MemorySourceSchema = z
    .object({
      files: z.array(z.string()).min(1).optional(),
      command: z.string().optional(),
      node: z.string().optional(),
      document: memoryName.optional(),
    })
    .strict()
    .superRefine((source, context) => {
      const given = MEMORY_SOURCE_KINDS.filter((kind) => source[kind] !== undefined);
      if (given.length !== 1) {
        context.addIssue({
          code: 'custom',
          message: `a memory source is exactly one of ${MEMORY_SOURCE_KINDS.join(', ')}${given.length > 1 ? ` (got ${given.join(' and ')})` : ''}`,
        });
      }
    });
  const MemorySpecSchema = z.object({
    id: z.string(),
    source: MemorySourceSchema,
    /** The name in the project's store; default the node id. Leaves always address the node id. */
    name: memoryName.optional(),
    /** Globs confining a `files` source, narrowing the enclosing permissions.file_scope. */
    file_scope: z.array(z.string()).default(EMPTY_LIST),
    /** Refuse to load more than this many bytes (default: the configuration's memory.max_context_bytes). */
    max_bytes: z.number().int().positive().optional(),
    description: z.string().optional(),
  });
  const MemoryAccessSchema = z.enum(['read', 'write']);
  const LeafMemorySpecSchema = z.object({
    contexts: z.array(z.string()).min(1),
    access: MemoryAccessSchema.default('read'),
    /** Role of sub_query calls; default `memory` when configured, else the leaf's own role. */
    role: enumSchemas().RoleSchema.optional(),
    /** Sub-queries this leaf may make (default: the configuration's memory.max_sub_queries). */
    max_sub_queries: z.number().int().nonnegative().optional(),
  });
  return { MemorySourceSchema, MemorySpecSchema, MemoryAccessSchema, LeafMemorySpecSchema };
});

/**
 * Where a context's text comes from: exactly one of files matched by globs (relative to the
 * workspace root), a command's standard output, a previous node's output, or a document already
 * in the store (imported, or written by a leaf with `memory.access: write`).
 */
export const MemorySourceSchema = lazySchema(() => memorySchemas().MemorySourceSchema);
export type MemorySource = z.infer<typeof MemorySourceSchema>;

export const MEMORY_SOURCE_KINDS = ['files', 'command', 'node', 'document'] as const;
export type MemorySourceKind = (typeof MEMORY_SOURCE_KINDS)[number];

export function memorySourceKind(source: MemorySource): MemorySourceKind {
  if (source.files !== undefined) return 'files';
  if (source.command !== undefined) return 'command';
  if (source.node !== undefined) return 'node';
  return 'document';
}

/** A short description of a source, for graphs, progress and errors. */
export function describeMemorySource(source: MemorySource): string {
  switch (memorySourceKind(source)) {
    case 'files':
      return `files ${source.files!.join(', ')}`;
    case 'command':
      return `$ ${source.command}`;
    case 'node':
      return `output of ${source.node}`;
    case 'document':
      return `document ${source.document}`;
  }
}

export const MemorySpecSchema = lazySchema(() => memorySchemas().MemorySpecSchema);
export type MemorySpec = z.infer<typeof MemorySpecSchema>;

export const MemoryAccessSchema = lazySchema(() => memorySchemas().MemoryAccessSchema);
export type MemoryAccess = z.infer<typeof MemoryAccessSchema>;

/**
 * A leaf's memory declaration (leaf extension, omitted when unset): the memory nodes whose
 * contexts it may operate on, whether it may write documents back, the role of its sub-queries.
 */
export const LeafMemorySpecSchema = lazySchema(() => memorySchemas().LeafMemorySpecSchema);
export type LeafMemorySpec = z.infer<typeof LeafMemorySpecSchema>;

/** The store name of a memory node's context. */
export function memoryContextName(spec: Pick<MemorySpec, 'id' | 'name'>): string {
  return spec.name ?? spec.id;
}
